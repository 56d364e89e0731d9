/**
 * Seller Delivery → Get Changes: for each input item (a seller, e.g. a row of the partner's sheet), the
 * deliveries that failed or changed status since the last run. The memory lives in the workflow (n8n's
 * static data of this node): a mark per seller (see monitoring/deliveryChanges.ts), written only when the
 * run ends without an error, so a run that stops reports its changes again next time instead of losing them.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { currentState, type DeliveryEvent, type SellerMark, type WatchState } from '../../monitoring/deliveryChanges';
import { deliveryEventOptions, eventItem, readChanges, readDeliveries } from '../../monitoring/watch';
import { CREDITOR_ID_HINT, readId } from '../common';
import type { Effect, PreparedItem } from '../types';

/** Deliveries shown per creditor by a test run before the first production run, so the data shape shows. */
const SAMPLES_PER_SELLER = 3;

const properties: INodeProperties[] = [
	{
		displayName: 'Creditor ID',
		name: 'sellerId',
		type: 'string',
		required: true,
		default: '={{ $json.creditorId }}',
		placeholder: 'e.g. c_8f2k1',
		hint: CREDITOR_ID_HINT,
		description: 'The Cash-In ID of the creditor to check, mapped from each input item (e.g. the creditorId column of your creditor sheet)',
	},
	{
		displayName: 'Changes',
		name: 'event',
		type: 'options',
		options: deliveryEventOptions('run'),
		default: 'deliveryFailed',
	},
	{
		displayName:
			'The node remembers, in this workflow, how far it has read each creditor, so each run returns only what is new since the last run and nothing twice. The first run only records where each creditor stands. Only production runs (a Schedule Trigger of a published workflow) move that memory on; a test run from the editor shows what is new without moving it, and before the first production run shows a few recent deliveries as samples.',
		name: 'changesNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['delivery'], operation: ['getChanges'] } }, properties);

export const effect: Effect = 'watch';

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const sellerId = readId(this, 'sellerId', itemIndex, 'Creditor ID');
	const event = this.getNodeParameter('event', itemIndex, 'deliveryFailed') as DeliveryEvent;
	const stored = this.getWorkflowStaticData('node');
	const previous = currentState(stored, event);
	const sample = !previous && this.getMode() === 'manual';
	return {
		async send(api) {
			if (sample) {
				const recent = await readDeliveries(api, sellerId, event, itemIndex, SAMPLES_PER_SELLER);
				return { json: recent.map((delivery) => ({ ...eventItem(event, sellerId, delivery), sample: true })) };
			}
			const { changes, mark } = await readChanges(api, { sellerId, event, mark: previous?.sellers[sellerId], startAt: previous?.w, itemIndex });
			return { json: changes.map((delivery) => eventItem(event, sellerId, delivery)), commit: () => keepMark(stored, event, sellerId, mark) };
		},
	};
}

/** Writes one seller's mark into the node's static data (a state for another event is started afresh). */
function keepMark(stored: IDataObject, event: DeliveryEvent, sellerId: string, mark: SellerMark) {
	if (!currentState(stored, event)) Object.assign(stored, { v: 2, event, w: 0, sellers: {} } satisfies WatchState);
	const state = stored as unknown as WatchState;
	state.sellers[sellerId] = mark;
	state.w = Math.max(state.w, mark.s);
}
