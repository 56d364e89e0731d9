/**
 * The gate every request of one node execution passes: it bounds how many requests are in flight, starts
 * low and doubles per round trip (slow start), and adapts the bound to the API's 429s (additive increase,
 * informed decrease).
 * One gate is created per execution — nothing here is module-level — so two executions share nothing.
 *
 * The decrease is informed rather than blind halving: when a 429 arrives, the requests then in flight are
 * remembered, and once they have all answered the bound becomes the number of them the API accepted. A
 * bulk run therefore learns the API's limit from one 429 instead of oscillating around it, and since each
 * refused request waits `Retry-After` before it goes again, fewer 429s is what makes the run fast.
 *
 * Cash-In's limit is per partner, and in n8n's queue mode many executions on several workers share it
 * without knowing of each other. Three habits keep the limit used and no execution starved: an execution
 * pauses as a whole only when it holds none of the limit (see `onRateLimited`); that pause is `Retry-After`
 * plus a random share of it, so executions refused together come back at different moments; and what a
 * 429 taught goes stale — once `probeAfterMs` passes without one, the bound grows again by one
 * per round trip, so an execution that learned "1" while twenty others held the limit takes the room they
 * leave when they finish.
 */
import { sleep } from 'n8n-workflow';

export interface GateOptions {
	/** Upper bound of requests in flight. */
	maxInFlight: number;
	/**
	 * The bound at the start (default 8). It grows by one per success — doubling every round trip — until
	 * `maxInFlight` or the first 429 ("slow start"): an execution that starts while others already fill the
	 * limit is refused a few times, not 30 (each refused request still costs n8n's per-request work and
	 * the partner's API an answer). 8 rather than 1 or 2: the harness benchmark lost 5–10 % of a
	 * 1,000-item run to a ramp from 2; from 8 the default 32 is reached after two round trips.
	 */
	initialInFlight?: number;
	/**
	 * After a 429: how many successes at the learned bound before it grows by one (unless `probeAfterMs`
	 * comes first). Probing above it costs a 429 and a `Retry-After` wait, hence slowly.
	 */
	probeSuccesses?: number;
	/** After a 429, how long before the bound grows again at the normal pace anyway (ms). */
	probeAfterMs?: number;
	/** The random extra on a 429's pause, as a share of it (0.5: up to half as long again). */
	pauseSpread?: number;
	now?: () => number;
	random?: () => number;
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
	private lastRefusalAt = Number.NEGATIVE_INFINITY;
	private slowStart = true;
	private readonly probeSuccesses: number;
	private readonly probeAfterMs: number;
	private readonly pauseSpread: number;
	private readonly now: () => number;
	private readonly random: () => number;

	constructor(private readonly options: GateOptions) {
		this.limit = Math.max(1, Math.min(Math.floor(options.initialInFlight ?? 8), Math.floor(options.maxInFlight)));
		this.probeSuccesses = options.probeSuccesses ?? 1000;
		this.probeAfterMs = options.probeAfterMs ?? 5_000;
		this.pauseSpread = options.pauseSpread ?? 0.5;
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
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

	/**
	 * A 429. The refused call itself waits `Retry-After` before it is sent again (the retry policy). The rest
	 * of the execution sends nothing beyond what the API still holds of it: the bound drops to the requests
	 * still in flight. Only when none is in flight — this execution holds nothing of the partner's limit,
	 * others do — does the whole execution pause for `Retry-After`: pausing while some of its requests are
	 * accepted would only leave their room unused when they answer, since other executions are pausing too.
	 */
	private onRateLimited(retryAfterMs: number | undefined): void {
		this.lastRefusalAt = this.now();
		this.slowStart = false;
		if (this.inFlight === 0 && retryAfterMs !== undefined) this.pause(Math.round(retryAfterMs * (1 + this.random() * this.pauseSpread)));
		if (!this.congestion) {
			// One congestion event per burst, not one per refused request.
			this.refusedAt = this.limit;
			this.congestion = { pending: new Set(this.inFlightTickets), accepted: 0 };
			this.successesAtLimit = 0;
		}
		this.limit = Math.max(1, Math.min(this.limit, this.inFlight));
		if (this.congestion.pending.size === 0) this.finishCongestion();
	}

	private settleCongestion(ticket: number, accepted: boolean): void {
		const congestion = this.congestion;
		if (!congestion || !congestion.pending.delete(ticket)) return;
		if (accepted) congestion.accepted++;
		if (congestion.pending.size === 0) this.finishCongestion();
	}

	/**
	 * The requests that were in flight with the refused one have answered: the API held `accepted` of ours at
	 * once. None accepted means the limit was full of other executions' requests — that teaches nothing about
	 * this execution's share, so the bound restarts at 1 and grows one per round trip as usual.
	 */
	private finishCongestion(): void {
		const accepted = this.congestion?.accepted ?? 0;
		this.congestion = undefined;
		this.limit = Math.max(1, Math.min(accepted, this.refusedAt - 1, this.options.maxInFlight));
		this.refusedAt = accepted === 0 ? Number.POSITIVE_INFINITY : this.limit + 1;
	}

	private onSuccess(): void {
		if (this.limit >= this.options.maxInFlight || this.congestion) return;
		if (this.slowStart) {
			this.limit++;
			return;
		}
		this.successesAtLimit++;
		// Below the bound the API refused at, or once that refusal is old: one step per round trip.
		const fresh = this.limit + 1 >= this.refusedAt && this.now() - this.lastRefusalAt < this.probeAfterMs;
		const needed = fresh ? this.probeSuccesses : this.limit;
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
