/**
 * Which delivery events a poll produces, from what the trigger saw last time. Pure: the trigger node
 * reads and writes the snapshot in the workflow's static data; nothing is kept in module state.
 */
import { FAILED_DELIVERY_STATUS } from '../contract/endpoints';
import type { Delivery } from '../contract/schemas';

export type DeliveryEvent = 'deliveryFailed' | 'deliveryStatusChanged';

/** What was seen of one seller: delivery key → status. For "failed" only the failed ones are kept. */
export interface SellerSnapshot {
	event: DeliveryEvent;
	statuses: Record<string, string>;
}

export interface Change {
	delivery: Delivery;
	previousStatus: string | null;
}

/** One invoice can be delivered over several channels; each is its own delivery. */
export const deliveryKey = (delivery: Delivery) => `${delivery.invoiceNumber}|${delivery.channel ?? ''}`;

/**
 * Compares what the API returns now with the snapshot. Without a snapshot for this event (first
 * activation, or the user switched the event) nothing is emitted: only the baseline is taken.
 */
export function detectChanges(
	event: DeliveryEvent,
	previous: SellerSnapshot | undefined,
	current: Delivery[],
): { changes: Change[]; snapshot: SellerSnapshot } {
	const relevant = event === 'deliveryFailed' ? current.filter((d) => d.status === FAILED_DELIVERY_STATUS) : current;
	const statuses = Object.fromEntries(relevant.map((d) => [deliveryKey(d), d.status]));
	const snapshot: SellerSnapshot = { event, statuses };
	if (!previous || previous.event !== event) return { changes: [], snapshot };
	const changes = relevant
		.filter((d) => {
			const before = previous.statuses[deliveryKey(d)];
			return event === 'deliveryFailed' ? before !== FAILED_DELIVERY_STATUS : before !== undefined && before !== d.status;
		})
		.map((delivery) => ({ delivery, previousStatus: previous.statuses[deliveryKey(delivery)] ?? null }));
	return { changes, snapshot };
}
