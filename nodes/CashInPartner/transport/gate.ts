/**
 * The gate every request of one node execution passes: it bounds how many requests are in flight, pauses
 * them all when the API says 429, and adapts the bound (additive increase, multiplicative decrease).
 * One gate is created per execution — nothing here is module-level — so two executions share nothing.
 *
 * The decrease is informed rather than blind halving: when a 429 arrives, the requests then in flight are
 * remembered, and once they have all answered the bound becomes the number of them the API accepted. A
 * bulk run therefore learns the API's limit from one 429 instead of oscillating around it, and since each
 * 429 costs a `Retry-After` pause for every request, fewer 429s is what makes the run fast.
 */
import { sleep } from 'n8n-workflow';

export interface GateOptions {
	/** Upper bound, and the starting bound, of requests in flight. */
	maxInFlight: number;
	/**
	 * After a 429: how many successes at the learned bound before it grows by one. Probing above it costs a
	 * 429 and so a `Retry-After` pause for every request, hence slowly.
	 */
	probeSuccesses?: number;
	now?: () => number;
}

interface Congestion {
	pending: Set<number>;
	accepted: number;
}

export class RequestGate {
	private limit: number;
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	private pausedUntil = 0;
	private successesAtLimit = 0;
	/** The bound the API refused at; below it the bound grows once per round trip, at it only slowly. */
	private refusedAt = Number.POSITIVE_INFINITY;
	private congestion: Congestion | undefined;
	private nextTicket = 0;
	private readonly inFlightTickets = new Set<number>();
	private readonly probeSuccesses: number;
	private readonly now: () => number;

	constructor(private readonly options: GateOptions) {
		this.limit = Math.max(1, Math.floor(options.maxInFlight));
		this.probeSuccesses = options.probeSuccesses ?? 1000;
		this.now = options.now ?? Date.now;
	}

	get currentLimit(): number {
		return this.limit;
	}

	/** Waits for a free slot and for any pause to end; returns the ticket to give back to `release`. */
	async acquire(): Promise<number> {
		for (;;) {
			const pause = this.pausedUntil - this.now();
			if (pause > 0) {
				await sleep(pause);
				continue;
			}
			if (this.inFlight < this.limit) break;
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		this.inFlight++;
		const ticket = this.nextTicket++;
		this.inFlightTickets.add(ticket);
		return ticket;
	}

	/** Gives the slot back, telling how the attempt went. */
	release(ticket: number, result: 'success' | 'rate-limited' | 'other', retryAfterMs?: number): void {
		this.inFlight--;
		this.inFlightTickets.delete(ticket);
		if (result === 'rate-limited') this.onRateLimited(retryAfterMs);
		this.settleCongestion(ticket, result === 'success');
		if (result === 'success') this.onSuccess();
		this.wake();
	}

	/** Pauses every request of this execution for at least `ms`. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}

	private onRateLimited(retryAfterMs: number | undefined): void {
		if (retryAfterMs !== undefined) this.pause(retryAfterMs);
		if (this.congestion) return; // one congestion event per burst, not one per refused request
		this.refusedAt = this.limit;
		this.congestion = { pending: new Set(this.inFlightTickets), accepted: 0 };
		this.limit = Math.max(1, Math.floor(this.limit / 2));
		this.successesAtLimit = 0;
		if (this.congestion.pending.size === 0) this.finishCongestion();
	}

	private settleCongestion(ticket: number, accepted: boolean): void {
		const congestion = this.congestion;
		if (!congestion || !congestion.pending.delete(ticket)) return;
		if (accepted) congestion.accepted++;
		if (congestion.pending.size === 0) this.finishCongestion();
	}

	/** The requests that were in flight with the refused one have answered: the API held `accepted` at once. */
	private finishCongestion(): void {
		const accepted = this.congestion?.accepted ?? 0;
		this.congestion = undefined;
		this.limit = Math.max(1, Math.min(accepted, this.refusedAt - 1, this.options.maxInFlight));
		this.refusedAt = this.limit + 1;
	}

	private onSuccess(): void {
		if (this.limit >= this.options.maxInFlight || this.congestion) return;
		this.successesAtLimit++;
		const needed = this.limit + 1 < this.refusedAt ? this.limit : this.probeSuccesses;
		if (this.successesAtLimit >= needed) {
			this.limit++;
			this.successesAtLimit = 0;
			if (this.limit >= this.refusedAt) this.refusedAt = this.limit + 1;
		}
	}

	/** Wakes as many waiters as there are free slots; each re-checks the pause and the bound itself. */
	private wake(): void {
		for (let free = this.limit - this.inFlight; free > 0 && this.waiting.length > 0; free--) {
			this.waiting.shift()?.();
		}
	}
}
