/**
 * When a failed call may be sent again. One rule for the whole package: a call is repeated only when
 * repeating it cannot do something twice — always for GET and PUT (safe to repeat), and for POST only
 * when the server cannot have acted on it (a 429, or a connection refused before anything was sent).
 *
 * A 429 is not a failure but the API's partner-wide limit speaking: in n8n's queue mode many executions on
 * several workers share that one limit, and an execution may be refused many times in a row while others
 * hold it. So 429s do not use up the attempts; the call waits as long as `Retry-After` says (plus a random
 * share of it, so executions refused together do not all come back at the same instant), for up to
 * `maxRateLimitWaitMs` and `maxRateLimitRetries` in all.
 */
import type { HttpMethod } from '../contract/endpoints';

export interface RetryPolicy {
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Total time one call may spend waiting between attempts. */
	maxTotalWaitMs: number;
	/** Total time one call may spend waiting out 429s; they do not count as attempts. */
	maxRateLimitWaitMs: number;
	/** At most this many 429s for one call (an API that says `Retry-After: 0` for ever must not spin). */
	maxRateLimitRetries: number;
	/** The random extra on top of a 429's wait, as a share of it (0.5: up to half as long again). */
	rateLimitSpread: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 400,
	maxDelayMs: 8_000,
	maxTotalWaitMs: 60_000,
	maxRateLimitWaitMs: 300_000,
	maxRateLimitRetries: 100,
	rateLimitSpread: 0.5,
};

/** What one call has been through so far. */
export interface RetryState {
	/** Attempts that failed other than with a 429. */
	failures: number;
	/** Time waited after those failures. */
	waitedMs: number;
	/** 429s so far, and the time waited after them. */
	rateLimited: number;
	rateLimitWaitedMs: number;
}

export const freshRetryState = (): RetryState => ({ failures: 0, waitedMs: 0, rateLimited: 0, rateLimitWaitedMs: 0 });

export type Outcome =
	| { kind: 'status'; status: number; retryAfterMs?: number }
	| { kind: 'network'; serverMayHaveActed: boolean }
	| { kind: 'unreadable' };

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
const SAFE_TO_REPEAT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT']);

export const isSafeToRepeat = (method: HttpMethod) => SAFE_TO_REPEAT.has(method);

/** Whether the server may have carried the call out, for calls that did not get a success back. */
export function serverMayHaveActed(outcome: Outcome): boolean {
	if (outcome.kind === 'status') return outcome.status !== 429 && outcome.status >= 500;
	if (outcome.kind === 'network') return outcome.serverMayHaveActed;
	return true;
}

/** Exponential back-off with "equal jitter": half fixed, half random, so parallel callers spread out. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'not-retryable' | 'attempts' | 'wait' };

/**
 * Whether to send the call again after `outcome`, and after how long; `state` is what the call has been
 * through before this outcome (it is updated by `recordRetry`).
 */
export function decideRetry(
	policy: RetryPolicy,
	method: HttpMethod,
	outcome: Outcome,
	state: RetryState,
	random: () => number = Math.random,
): RetryDecision {
	if (outcome.kind === 'status' && outcome.status === 429) {
		if (state.rateLimited >= policy.maxRateLimitRetries) return { retry: false, reason: 'attempts' };
		const base = outcome.retryAfterMs ?? backoffDelay(policy, state.rateLimited + 1, random);
		const delayMs = Math.round(base * (1 + random() * policy.rateLimitSpread));
		if (state.rateLimitWaitedMs + delayMs > policy.maxRateLimitWaitMs) return { retry: false, reason: 'wait' };
		return { retry: true, delayMs };
	}
	const transient =
		(outcome.kind === 'status' && TRANSIENT_STATUSES.has(outcome.status)) || outcome.kind === 'network' || outcome.kind === 'unreadable';
	if (!transient) return { retry: false, reason: 'not-retryable' };
	if (!isSafeToRepeat(method) && serverMayHaveActed(outcome)) return { retry: false, reason: 'not-retryable' };
	if (state.failures + 1 >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
	const delayMs = backoffDelay(policy, state.failures + 1, random);
	if (state.waitedMs + delayMs > policy.maxTotalWaitMs) return { retry: false, reason: 'wait' };
	return { retry: true, delayMs };
}

/** The state after retrying `outcome` with `delayMs`. */
export function recordRetry(state: RetryState, outcome: Outcome, delayMs: number): RetryState {
	return outcome.kind === 'status' && outcome.status === 429
		? { ...state, rateLimited: state.rateLimited + 1, rateLimitWaitedMs: state.rateLimitWaitedMs + delayMs }
		: { ...state, failures: state.failures + 1, waitedMs: state.waitedMs + delayMs };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
