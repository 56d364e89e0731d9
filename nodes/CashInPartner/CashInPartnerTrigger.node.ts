import {
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	NodeConnectionTypes,
	NodeOperationError,
} from 'n8n-workflow';

import { simplifyDelivery } from './actions/delivery/getAll.operation';
import { DELIVERIES_DEFAULT_WINDOW_DAYS, FAILED_DELIVERY_STATUS } from './contract/endpoints';
import type { Delivery } from './contract/schemas';
import { createClient, RequestGate } from './transport';
import { deliveryPages } from './transport/deliveries';
import { type DeliveryEvent, detectChanges, type SellerSnapshot } from './trigger/deliveryEvents';

/** How many deliveries a manual test run shows, so the user sees the data shape. */
const SAMPLE_SIZE = 10;

interface TriggerState {
	sellers?: Record<string, SellerSnapshot>;
}

export class CashInPartnerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cash-In Partner Trigger',
		name: 'cashInPartnerTrigger',
		icon: { light: 'file:cashInPartner.svg', dark: 'file:cashInPartner.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when an invoice delivery of one of your sellers fails or changes status',
		defaults: { name: 'Cash-In Partner Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cashInPartnerApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				options: [
					{ name: 'Delivery Failed', value: 'deliveryFailed', description: 'A delivery became FAILED' },
					{ name: 'Delivery Status Changed', value: 'deliveryStatusChanged', description: 'A known delivery changed to any other status' },
				],
				default: 'deliveryFailed',
			},
			{
				displayName: 'Seller IDs',
				name: 'sellerIds',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. c_8f2k1, c_9a3m2',
				description: 'The Cash-In IDs of the sellers (creditors) to watch, separated by commas or new lines',
			},
			{
				displayName: `Cash-In advises reading delivery information about once a day: set Poll Times to Every Day or Every Hour. Each poll reads the last ${DELIVERIES_DEFAULT_WINDOW_DAYS} days of each seller. The first activation only records what exists; later polls report what changed since.`,
				name: 'frequencyNotice',
				type: 'notice',
				default: '',
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as DeliveryEvent;
		const sellerIds = String(this.getNodeParameter('sellerIds'))
			.split(/[\s,;]+/)
			.map((id) => id.trim())
			.filter(Boolean);
		if (sellerIds.length === 0) {
			throw new NodeOperationError(this.getNode(), 'Seller IDs is empty', { description: 'Enter at least one seller ID to watch.' });
		}
		const api = createClient(this, { gate: new RequestGate({ maxInFlight: 1 }) });
		const read = async (sellerId: string, status?: string, limit = Number.POSITIVE_INFINITY) => {
			const deliveries: Delivery[] = [];
			for await (const page of deliveryPages(api, { sellerId, filters: { status }, limit, itemIndex: 0 })) deliveries.push(...page);
			return deliveries;
		};
		const onlyFailed = event === 'deliveryFailed' ? FAILED_DELIVERY_STATUS : undefined;
		const toItem = (sellerId: string, delivery: Delivery, previousStatus: string | null): INodeExecutionData => ({
			json: { event, sellerId, previousStatus, ...simplifyDelivery(delivery) },
		});

		if (this.getMode() === 'manual') {
			const samples: INodeExecutionData[] = [];
			for (const sellerId of sellerIds) {
				const recent = await read(sellerId, onlyFailed, SAMPLE_SIZE);
				samples.push(...recent.map((delivery) => toItem(sellerId, delivery, null)));
			}
			return samples.length ? [samples.slice(0, SAMPLE_SIZE)] : null;
		}

		const state = this.getWorkflowStaticData('node') as TriggerState;
		const snapshots = { ...(state.sellers ?? {}) };
		const items: INodeExecutionData[] = [];
		const failures: Array<{ sellerId: string; error: Error & { description?: string | null } }> = [];
		for (const sellerId of sellerIds) {
			try {
				const { changes, snapshot } = detectChanges(event, snapshots[sellerId], await read(sellerId, onlyFailed));
				snapshots[sellerId] = snapshot;
				items.push(...changes.map(({ delivery, previousStatus }) => toItem(sellerId, delivery, previousStatus)));
			} catch (error) {
				// This seller's snapshot stays as it was, so its events come with the next poll that reaches it.
				failures.push({ sellerId, error: error as Error });
			}
		}
		// Sellers no longer watched are forgotten, so the static data stays as small as the watch list.
		state.sellers = Object.fromEntries(sellerIds.filter((id) => snapshots[id]).map((id) => [id, snapshots[id]]));

		if (failures.length === sellerIds.length) throw failures[0].error;
		for (const { sellerId, error } of failures) {
			this.logger.warn('Cash-In Partner Trigger: a seller could not be read', { sellerId, error: error.message });
			items.push({ json: { event: 'sellerError', sellerId, error: error.message, details: error.description ?? null } as IDataObject });
		}
		return items.length ? [items] : null;
	}
}
