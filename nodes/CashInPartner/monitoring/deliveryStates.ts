/**
 * What changed for one creditor since a watcher last read it, by comparing what Cash-In says now with what
 * the watcher saw then — delivery by delivery, never by time. Pure: the caller reads and writes the memory.
 *
 * Why not "everything updated after the newest `updatedAt` seen" (0.4.0): that trusts Cash-In's clock. A
 * failure stamped earlier than one already reported (the time of the event rather than of the record, a
 * late operator report, commit lag) was lost for good, and a re-stamp with the same status counted as a
 * change. Comparing states needs no clock:
 * - Delivery Failed: the FAILED deliveries of the read window (only those are read). One that was not
 *   FAILED at the last read is an event — the first failure of a delivery, or a failure again after the
 *   watcher saw it not failed. A re-stamp of a failed delivery (a new message, the same status) is none.
 * - Delivery Status Changed: every delivery of the window with its status. One whose status differs from
 *   the last one seen is an event, with `previousStatus`; a delivery seen for the first time (a new
 *   invoice) is one with `previousStatus: null`; a re-stamp with the same status is none.
 *
 * The memory of a creditor is one string: the read window it was read with, then fixed-width tokens — a
 * 7-character fingerprint of the delivery (invoice number and channel) and, for status changes, a
 * 2-character status code (an index into the contract's statuses and the other statuses this watcher met,
 * kept once per watcher). 9 bytes a delivery for status changes, 7 per FAILED delivery for failures;
 * deliveries that leave the read window leave the memory.
 */
import { DELIVERY_STATUSES } from '../contract/endpoints';
import type { Delivery } from '../contract/schemas';
import { type DeliveryEvent, deliveryKey, relevantTo, type SellerMark } from './deliveryChanges';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const FINGERPRINT_LENGTH = 7;
const CODE_LENGTH = 2;

/** FNV-1a, 32 bits: a fast, stable hash (not a secret: nothing is protected by it). */
function fnv1a(text: string, seed: number): number {
	let hash = seed >>> 0;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}

/** 42 bits of two hashes, as 7 characters: two of a creditor's deliveries share one about once in 10^8. */
export function fingerprint(key: string): string {
	const a = fnv1a(key, 0x811c9dc5);
	const b = fnv1a(key, 0x01000193 ^ 0x5bd1e995);
	const bits = [a & 63, (a >>> 6) & 63, (a >>> 12) & 63, (a >>> 18) & 63, (a >>> 24) & 63, ((a >>> 30) | ((b & 15) << 2)) & 63, (b >>> 4) & 63];
	return bits.map((i) => ALPHABET[i]).join('');
}

const KNOWN_STATUSES: string[] = DELIVERY_STATUSES.map((status) => status.value);

/**
 * Status names ⇄ 2-character codes: the contract's statuses first, then any other status this watcher has
 * met, in the order met (`others`, kept in the watcher's memory so that codes stay stable).
 */
export class StatusCodes {
	constructor(readonly others: string[] = []) {}

	codeOf(status: string): string {
		let index = KNOWN_STATUSES.indexOf(status);
		if (index < 0) {
			index = this.others.indexOf(status);
			if (index < 0) index = this.others.push(status) - 1;
			index += KNOWN_STATUSES.length;
		}
		return ALPHABET[Math.floor(index / 64) % 64] + ALPHABET[index % 64];
	}

	statusOf(code: string): string | null {
		const index = ALPHABET.indexOf(code[0]) * 64 + ALPHABET.indexOf(code[1]);
		return index < KNOWN_STATUSES.length ? KNOWN_STATUSES[index] : (this.others[index - KNOWN_STATUSES.length] ?? null);
	}
}

/** What a watcher remembers of one creditor, as read from its memory string. */
export type CreditorMemory =
	| { kind: 'states'; windowDays: number; seen: Map<string, string> }
	/** Kept by 0.4.0 (a mark), not yet read by this version. */
	| { kind: 'mark'; mark: SellerMark };

const tokenWidth = (event: DeliveryEvent) => (event === 'deliveryFailed' ? FINGERPRINT_LENGTH : FINGERPRINT_LENGTH + CODE_LENGTH);

export function parseMemory(event: DeliveryEvent, text: string | undefined): CreditorMemory | undefined {
	if (text === undefined) return undefined;
	if (text.startsWith('m:')) return { kind: 'mark', mark: JSON.parse(text.slice(2)) as SellerMark };
	const colon = text.indexOf(':');
	const windowDays = Number(text.slice(0, colon));
	const tokens = text.slice(colon + 1);
	const width = tokenWidth(event);
	const seen = new Map<string, string>();
	for (let at = 0; at + width <= tokens.length; at += width) seen.set(tokens.slice(at, at + FINGERPRINT_LENGTH), tokens.slice(at + FINGERPRINT_LENGTH, at + width));
	return { kind: 'states', windowDays, seen };
}

export const markMemory = (mark: SellerMark) => `m:${JSON.stringify(mark)}`;
export const statesMemory = (windowDays: number, seen: Map<string, string>) => `${windowDays}:${[...seen].map(([id, code]) => id + code).join('')}`;

export interface DeliveryChange {
	delivery: Delivery;
	/** The delivery's fingerprint, and its code before this change (undefined: first seen). */
	id: string;
	before: string | undefined;
	/** Status Changed: the status the watcher saw last; null for a delivery it sees for the first time. */
	previousStatus?: string | null;
	/** Identifies this change (delivery and its new state), to report it once when runs overlap. */
	key: string;
}

/**
 * The changes of one creditor against what was seen (`seen` undefined: its first read, which only records),
 * and what to remember now.
 */
export function diffDeliveries(event: DeliveryEvent, seen: Map<string, string> | undefined, deliveries: Delivery[], codes: StatusCodes): { changes: DeliveryChange[]; next: Map<string, string> } {
	const changes: DeliveryChange[] = [];
	const next = new Map<string, string>();
	for (const delivery of relevantTo(event, deliveries)) {
		const id = fingerprint(deliveryKey(delivery));
		if (next.has(id)) continue; // the same delivery twice in one read (pages shifting): once
		const code = event === 'deliveryFailed' ? '' : codes.codeOf(delivery.status);
		next.set(id, code);
		if (!seen) continue;
		const before = seen.get(id);
		const key = `${id}|${delivery.status}|${delivery.updatedAt ?? ''}`;
		if (event === 'deliveryFailed') {
			if (before === undefined) changes.push({ delivery, id, before, key });
		} else if (before === undefined) {
			changes.push({ delivery, id, before, previousStatus: null, key });
		} else if (before !== code) {
			changes.push({ delivery, id, before, previousStatus: codes.statusOf(before), key });
		}
	}
	return { changes, next };
}

/** What a watcher keeps (static data): per creditor its memory string, and the other statuses met. */
export interface DeliveryStates {
	v: 3;
	/** How many runs have kept it (absent before 0.5): of two copies, the one with the higher count is newer. */
	g?: number;
	event: DeliveryEvent;
	/** Statuses outside the contract's, in the order met: what the status codes beyond the contract's mean. */
	u: string[];
	sellers: Record<string, string>;
}

/** A state of this form for `event`, or undefined (none yet, another event, or an older form). */
export function currentStates(stored: unknown, event: DeliveryEvent): DeliveryStates | undefined {
	const state = stored as Partial<DeliveryStates> | undefined;
	return state?.v === 3 && state.event === event && state.sellers ? ({ u: [], ...state } as DeliveryStates) : undefined;
}
