/**
 * Which deliveries are new to a watcher (the trigger, or Seller Delivery → Get Changes), from what it saw
 * before. Pure: the caller reads and writes the state in the workflow's static data.
 *
 * What is kept is a mark per seller, not a copy of its deliveries: the newest `updatedAt` seen, and the
 * deliveries updated at exactly that moment. A delivery is new when Cash-In updated it after the mark.
 * So the state does not grow with the number of deliveries (≈ 50 bytes a seller), and it survives what
 * n8n does with it: n8n 2.x saves a polling trigger's static data only when a poll emits, but a poll that
 * finds nothing new leaves the marks as they were — nothing is lost when such a poll's state is.
 */
import { FAILED_DELIVERY_STATUS } from '../contract/endpoints';
import type { Delivery } from '../contract/schemas';

export type DeliveryEvent = 'deliveryFailed' | 'deliveryStatusChanged';

/** What is kept of one seller: `s` the newest `updatedAt` seen (ms), `k` the deliveries updated exactly then. */
export interface SellerMark {
	s: number;
	k: string[];
}

/** 0.3.0 kept every delivery's status (delivery key → status); read once, when such a state is met. */
export interface LegacySnapshot {
	event: DeliveryEvent;
	statuses: Record<string, string>;
}

export interface WatchState {
	v: 2;
	event: DeliveryEvent;
	/** The newest mark of any seller: where a seller added to the watch list later starts from. */
	w: number;
	sellers: Record<string, SellerMark>;
}

/** One invoice can be delivered over several channels; each is its own delivery. */
export const deliveryKey = (delivery: Delivery) => `${delivery.invoiceNumber}|${delivery.channel ?? ''}`;

export class MissingUpdateTimeError extends Error {}

function updatedAtOf(delivery: Delivery): number {
	const time = delivery.updatedAt === undefined ? Number.NaN : Date.parse(delivery.updatedAt);
	if (Number.isNaN(time)) {
		throw new MissingUpdateTimeError(
			`Delivery ${delivery.invoiceNumber} has no readable "updatedAt" (${delivery.updatedAt === undefined ? 'missing' : JSON.stringify(delivery.updatedAt)}): the node tells new changes from old ones by it`,
		);
	}
	return time;
}

/** Only the deliveries an event is about: for "failed", the FAILED ones. */
export const relevantTo = (event: DeliveryEvent, deliveries: Delivery[]) =>
	event === 'deliveryFailed' ? deliveries.filter((d) => d.status === FAILED_DELIVERY_STATUS) : deliveries;

/**
 * The deliveries of one seller that are new since its mark, and its next mark.
 * @param mark what was kept of the seller; undefined when it was never seen
 * @param startAt for a seller never seen: where to start (the state's `w`), or undefined on a watcher's
 *   very first run, which only records what exists
 * @param legacy the seller's 0.3.0 snapshot, if the state is one: its statuses tell what is new this once
 */
export function changesOf(
	event: DeliveryEvent,
	mark: SellerMark | undefined,
	deliveries: Delivery[],
	startAt: number | undefined,
	legacy?: LegacySnapshot,
): { changes: Delivery[]; mark: SellerMark } {
	const relevant = relevantTo(event, deliveries).map((delivery) => ({ delivery, key: deliveryKey(delivery), time: updatedAtOf(delivery) }));
	const newest = relevant.reduce((max, d) => Math.max(max, d.time), Number.NEGATIVE_INFINITY);

	let changes: Delivery[];
	let from: SellerMark;
	if (mark) {
		from = mark;
		changes = relevant.filter((d) => d.time > mark.s || (d.time === mark.s && !mark.k.includes(d.key))).map((d) => d.delivery);
	} else if (legacy && legacy.event === event) {
		from = { s: Number.NEGATIVE_INFINITY, k: [] };
		changes = relevant
			.filter((d) => (event === 'deliveryFailed' ? legacy.statuses[d.key] !== FAILED_DELIVERY_STATUS : d.key in legacy.statuses && legacy.statuses[d.key] !== d.delivery.status))
			.map((d) => d.delivery);
	} else if (startAt !== undefined) {
		from = { s: startAt, k: [] };
		changes = relevant.filter((d) => d.time > startAt).map((d) => d.delivery);
	} else {
		// The very first run: what exists now is the starting point, not news.
		from = { s: Number.NEGATIVE_INFINITY, k: [] };
		changes = [];
	}

	const s = Math.max(from.s, newest);
	if (!Number.isFinite(s)) return { changes, mark: { s: 0, k: [] } };
	const atNewest = relevant.filter((d) => d.time === s).map((d) => d.key);
	const k = s === from.s ? [...new Set([...from.k, ...atNewest])] : atNewest;
	return { changes, mark: { s, k } };
}

/** A state of this package's current form for `event`, or undefined (none yet, another event, or 0.3.0's). */
export function currentState(stored: unknown, event: DeliveryEvent): WatchState | undefined {
	const state = stored as Partial<WatchState> | undefined;
	return state?.v === 2 && state.event === event && state.sellers ? (state as WatchState) : undefined;
}

/** 0.3.0's per-seller snapshots, if that is what is stored. */
export function legacySnapshots(stored: unknown): Record<string, LegacySnapshot> | undefined {
	const state = stored as { v?: unknown; sellers?: Record<string, LegacySnapshot> } | undefined;
	return state && state.v === undefined && state.sellers ? state.sellers : undefined;
}
