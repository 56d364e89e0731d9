/** Reading one seller for a watcher (the trigger, Seller Delivery → Get Changes): every page, then what is new. */
import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { simplifyDelivery } from '../actions/delivery/simplify';
import { DELIVERIES_DEFAULT_WINDOW_DAYS, FAILED_DELIVERY_STATUS } from '../contract/endpoints';
import type { Delivery } from '../contract/schemas';
import type { CashInClient } from '../transport';
import { deliveryPages } from '../transport/deliveries';
import { changesOf, type DeliveryEvent, deliveryKey, type LegacySnapshot } from './deliveryChanges';
import { type CreditorMemory, type DeliveryChange, diffDeliveries, fingerprint, type StatusCodes } from './deliveryStates';

export interface WatchRequest {
	sellerId: string;
	event: DeliveryEvent;
	/** How many days of invoice dates to read (Cash-In's own default when it is DELIVERIES_DEFAULT_WINDOW_DAYS). */
	windowDays: number;
	/** What the watcher remembers of the creditor; undefined when never read (its first read only records). */
	memory: CreditorMemory | undefined;
	/** What 0.3.0 kept of the creditor (statuses): this once, what is new against it. */
	legacy?: LegacySnapshot;
	codes: StatusCodes;
	itemIndex?: number;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The invoice dates to read: Cash-In's own default (the last DELIVERIES_DEFAULT_WINDOW_DAYS days) unless the
 * user chose another window; then from that many days back to tomorrow (UTC; Finland is ahead of it).
 */
export function windowFilters(windowDays = DELIVERIES_DEFAULT_WINDOW_DAYS, now = Date.now()): { fromDate?: string; toDate?: string } {
	if (windowDays === DELIVERIES_DEFAULT_WINDOW_DAYS) return {};
	return { fromDate: isoDay(now - windowDays * DAY_MS), toDate: isoDay(now + DAY_MS) };
}

/** The deliveries the event is about: for "failed" only the FAILED ones are asked for, a fraction of them. */
export async function readDeliveries(api: CashInClient, sellerId: string, event: DeliveryEvent, itemIndex?: number, limit = Number.POSITIVE_INFINITY, windowDays?: number) {
	const deliveries: Delivery[] = [];
	const status = event === 'deliveryFailed' ? FAILED_DELIVERY_STATUS : undefined;
	for await (const page of deliveryPages(api, { sellerId, filters: { status, ...windowFilters(windowDays) }, limit, itemIndex })) deliveries.push(...page);
	return deliveries;
}

/**
 * One creditor's changes since the watcher last read it, and what to remember now. A raised Read Window
 * brings older deliveries into view, which are not news: the newly visible deliveries are only recorded,
 * and the changes are taken from the window the memory was read with (two reads, this once). The wider
 * window is read first, and what the second read compared is what is remembered of it: a delivery that
 * changes between the two reads is then reported now, not recorded as seen without being reported.
 */
export async function readChanges(api: CashInClient, request: WatchRequest): Promise<{ changes: DeliveryChange[]; next: Map<string, string> }> {
	const { event, memory, windowDays, codes, sellerId, itemIndex } = request;
	const read = (days: number) => readDeliveries(api, sellerId, event, itemIndex, Number.POSITIVE_INFINITY, days);
	if (memory?.kind === 'states' && memory.windowDays < windowDays) {
		const wider = diffDeliveries(event, undefined, await read(windowDays), codes).next;
		const { changes, next } = diffDeliveries(event, memory.seen, await read(memory.windowDays), codes);
		return { changes, next: new Map([...wider, ...next]) };
	}
	const deliveries = await read(windowDays);
	if (memory?.kind === 'states') return diffDeliveries(event, memory.seen, deliveries, codes);
	const { next } = diffDeliveries(event, undefined, deliveries, codes);
	if (memory?.kind !== 'mark' && !request.legacy) return { changes: [], next };
	// Kept by an earlier version of the package: what is new against that, this once.
	const { changes } = changesOf(event, memory?.kind === 'mark' ? memory.mark : undefined, deliveries, undefined, request.legacy);
	return {
		changes: changes.map((delivery) => {
			const id = fingerprint(deliveryKey(delivery));
			return { delivery, id, before: undefined, key: `${id}|${delivery.status}|${delivery.updatedAt ?? ''}`, ...(event === 'deliveryFailed' ? {} : { previousStatus: null }) };
		}),
		next,
	};
}

/** One event as both watchers output it; a status change also says what the status was. */
export const eventItem = (event: DeliveryEvent, sellerId: string, delivery: Delivery, previousStatus?: string | null): IDataObject => ({
	event,
	sellerId,
	...simplifyDelivery(delivery),
	...(previousStatus !== undefined ? { previousStatus } : {}),
});

/** The read window, as both watchers offer it. */
export const readWindowParameter: INodeProperties = {
	displayName: 'Read Window (Days)',
	name: 'readWindowDays',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 400 },
	default: DELIVERIES_DEFAULT_WINDOW_DAYS,
	description: `How many days of invoices to watch, by invoice date (Cash-In's default: ${DELIVERIES_DEFAULT_WINDOW_DAYS}). A delivery of an older invoice is not seen, even when it fails now: raise this if late failures of older invoices matter to you. Longer windows read more pages.`,
};

export const readWindowDays = (value: unknown) => {
	const days = Math.floor(Number(value));
	return Number.isFinite(days) && days >= 1 ? Math.min(400, days) : DELIVERIES_DEFAULT_WINDOW_DAYS;
};

/** The two events, as both watchers offer them; `since` is what they count from ("poll", "run"). */
export const deliveryEventOptions = (since: string): INodePropertyOptions[] => [
	{ name: 'Delivery Failed', value: 'deliveryFailed', description: `A delivery failed since the last ${since}` },
	{ name: 'Delivery Status Changed', value: 'deliveryStatusChanged', description: `A delivery got a new status since the last ${since}` },
];
