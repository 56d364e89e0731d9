/**
 * Seller Delivery → Get Changes: for each input item (a seller, e.g. a row of the partner's sheet), the
 * deliveries that failed or changed status since the last run. The memory lives in the workflow (n8n's
 * static data of this node): a mark per seller (see monitoring/deliveryChanges.ts), written only when the
 * run ends without an error, so a run that stops reports its changes again next time instead of losing them.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

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
			'The node remembers, in this workflow, how far it has read each creditor, so each run returns only what is new since the last run and nothing twice. The first run only records where each creditor stands. Only production runs (a Schedule Trigger of a published workflow) move that memory on; a test run from the editor shows what is new without moving it, and before the first production run shows a few recent deliveries as samples. On n8n in queue mode, use the Cash-In Partner Trigger instead: n8n 2.41 gives this node no memory there, and it stops rather than miss changes.',
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

/**
 * The memory must reach the run. n8n 2.41 in queue mode does not hand a workflow's static data to the worker
 * that runs a scheduled execution (its execution record keeps no static data, and the worker reloads it
 * only for resumed executions: n8n/dist/executions/execution-data/types.js, scaling/job-processor.js). Such
 * a run would take every creditor for new, report nothing, and overwrite the memory. So the first run that
 * keeps marks also records, in n8n's deduplication store (a database table every process shares), that
 * this node has a memory; a run that then finds its static data empty stops and says why, instead of
 * losing changes without a word.
 */
const MEMORY_MARKER = 'cash-in-partner:get-changes-memory';
const MARKER_OPTIONS = { mode: 'entries' as const };

/** Whether n8n's deduplication store says this node kept a memory before (undefined: no store here). */
async function hadMemory(ctx: IExecuteFunctions): Promise<boolean | undefined> {
	try {
		return (await ctx.helpers.getProcessedDataCount('node', MARKER_OPTIONS)) > 0;
	} catch {
		return undefined; // an n8n (or a test engine) without the store: nothing to compare with
	}
}

export async function beforeSending(this: IExecuteFunctions): Promise<void> {
	// A test run from the editor keeps nothing (without a memory it shows samples), so it cannot lose changes.
	if (this.getMode() === 'manual') return;
	if (Object.keys(this.getWorkflowStaticData('node')).length > 0) return;
	if ((await hadMemory(this)) !== true) return;
	throw new NodeOperationError(this.getNode(), 'This run did not get the memory of what earlier runs reported', {
		description:
			'An earlier run of this node kept its memory in the workflow, but n8n gave this run none of it — n8n 2.41 in queue mode does not pass a workflow\'s memory to the worker that runs a scheduled execution. Reporting now would take every creditor for new and miss their changes, so nothing was read. Watch these creditors with the Cash-In Partner Trigger (its memory stays on the main instance), or run this workflow on an n8n in regular mode. To start again from now instead, put a copy of this node in its place (a new node has no memory).',
	});
}

export async function afterRun(this: IExecuteFunctions): Promise<void> {
	// Only production runs move the memory on; a test run from the editor leaves the store as it is.
	if (this.getMode() === 'manual' || Object.keys(this.getWorkflowStaticData('node')).length === 0) return;
	if ((await hadMemory(this)) !== false) return;
	await this.helpers.checkProcessedAndRecord([MEMORY_MARKER], 'node', MARKER_OPTIONS);
}

/** Writes one seller's mark into the node's static data (a state for another event is started afresh). */
function keepMark(stored: IDataObject, event: DeliveryEvent, sellerId: string, mark: SellerMark) {
	if (!currentState(stored, event)) Object.assign(stored, { v: 2, event, w: 0, sellers: {} } satisfies WatchState);
	const state = stored as unknown as WatchState;
	state.sellers[sellerId] = mark;
	state.w = Math.max(state.w, mark.s);
}
