/** Reading one seller for a watcher (the trigger, Seller Delivery → Get Changes): every page, then what is new. */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { simplifyDelivery } from '../actions/delivery/simplify';
import { FAILED_DELIVERY_STATUS } from '../contract/endpoints';
import type { Delivery } from '../contract/schemas';
import type { CashInClient } from '../transport';
import { deliveryPages } from '../transport/deliveries';
import { changesOf, type DeliveryEvent, type LegacySnapshot, type SellerMark } from './deliveryChanges';

export interface WatchRequest {
	sellerId: string;
	event: DeliveryEvent;
	mark: SellerMark | undefined;
	startAt: number | undefined;
	legacy?: LegacySnapshot;
	itemIndex?: number;
}

/** The deliveries the event is about: for "failed" only the FAILED ones are asked for, a fraction of them. */
export async function readDeliveries(api: CashInClient, sellerId: string, event: DeliveryEvent, itemIndex?: number, limit = Number.POSITIVE_INFINITY) {
	const deliveries: Delivery[] = [];
	const status = event === 'deliveryFailed' ? FAILED_DELIVERY_STATUS : undefined;
	for await (const page of deliveryPages(api, { sellerId, filters: { status }, limit, itemIndex })) deliveries.push(...page);
	return deliveries;
}

export async function readChanges(api: CashInClient, request: WatchRequest) {
	const deliveries = await readDeliveries(api, request.sellerId, request.event, request.itemIndex);
	return changesOf(request.event, request.mark, deliveries, request.startAt, request.legacy);
}

/** One event as both watchers output it. */
export const eventItem = (event: DeliveryEvent, sellerId: string, delivery: Delivery): IDataObject => ({ event, sellerId, ...simplifyDelivery(delivery) });

/** The two events, as both watchers offer them; `since` is what they count from ("poll", "run"). */
export const deliveryEventOptions = (since: string): INodePropertyOptions[] => [
	{ name: 'Delivery Failed', value: 'deliveryFailed', description: `A delivery failed since the last ${since}` },
	{ name: 'Delivery Status Changed', value: 'deliveryStatusChanged', description: `A delivery got a new status since the last ${since}` },
];
