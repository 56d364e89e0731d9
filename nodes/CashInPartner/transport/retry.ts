/**
 * When a failed call may be sent again. One rule for the whole package: a call is repeated only when
 * repeating it cannot do something twice — always for GET and PUT (safe to repeat), and for POST only
 * when the server cannot have acted on it (a 429, or a connection refused before anything was sent).
 */
import type { HttpMethod } from '../contract/endpoints';

export interface RetryPolicy {
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Total time one call may spend waiting between attempts. */
	maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 400,
	maxDelayMs: 8_000,
	maxTotalWaitMs: 60_000,
};

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

export function decideRetry(
	policy: RetryPolicy,
	method: HttpMethod,
	outcome: Outcome,
	attempt: number,
	waitedMs: number,
): RetryDecision {
	const rateLimited = outcome.kind === 'status' && outcome.status === 429;
	const transient =
		rateLimited ||
		(outcome.kind === 'status' && TRANSIENT_STATUSES.has(outcome.status)) ||
		outcome.kind === 'network' ||
		outcome.kind === 'unreadable';
	if (!transient) return { retry: false, reason: 'not-retryable' };
	if (!isSafeToRepeat(method) && serverMayHaveActed(outcome)) return { retry: false, reason: 'not-retryable' };
	if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
	const delayMs =
		outcome.kind === 'status' && outcome.retryAfterMs !== undefined
			? outcome.retryAfterMs
			: backoffDelay(policy, attempt);
	if (waitedMs + delayMs > policy.maxTotalWaitMs) return { retry: false, reason: 'wait' };
	return { retry: true, delayMs };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
