import { RequestGate } from '../../nodes/CashInPartner/transport/gate';
import { backoffDelay, DEFAULT_RETRY_POLICY, decideRetry, freshRetryState, parseRetryAfter, recordRetry, type RetryState } from '../../nodes/CashInPartner/transport/retry';
import { readErrorBody, scrub } from '../../nodes/CashInPartner/transport/errors';

const policy = DEFAULT_RETRY_POLICY;

describe('retry policy', () => {
	test.each([
		['GET', { kind: 'status', status: 500 }, true],
		['PUT', { kind: 'status', status: 503 }, true],
		['POST', { kind: 'status', status: 500 }, false],
		['POST', { kind: 'status', status: 503 }, false],
		['POST', { kind: 'status', status: 429 }, true],
		['POST', { kind: 'network', serverMayHaveActed: false }, true],
		['POST', { kind: 'network', serverMayHaveActed: true }, false],
		['POST', { kind: 'unreadable' }, false],
		['GET', { kind: 'unreadable' }, true],
		['GET', { kind: 'status', status: 400 }, false],
		['GET', { kind: 'status', status: 404 }, false],
		['GET', { kind: 'status', status: 401 }, false],
	] as const)('%s after %j → retry %s', (method, outcome, retry) => {
		expect(decideRetry(policy, method, outcome, freshRetryState()).retry).toBe(retry);
	});

	test('stops after the attempt budget and the wait budget', () => {
		const failedBefore: RetryState = { ...freshRetryState(), failures: policy.maxAttempts - 1 };
		expect(decideRetry(policy, 'GET', { kind: 'status', status: 500 }, failedBefore)).toEqual({ retry: false, reason: 'attempts' });
		const waitedBefore: RetryState = { ...freshRetryState(), waitedMs: policy.maxTotalWaitMs - 10 };
		expect(decideRetry(policy, 'GET', { kind: 'status', status: 500 }, waitedBefore, () => 0)).toEqual({ retry: false, reason: 'wait' });
	});

	test('429s do not use up the attempts: a shared limit is waited out, up to the rate-limit wait budget', () => {
		let state = { ...freshRetryState(), failures: policy.maxAttempts - 1 };
		const refused = { kind: 'status', status: 429, retryAfterMs: 1000 } as const;
		for (let i = 0; i < 50; i++) {
			const decision = decideRetry(policy, 'POST', refused, state, () => 0);
			expect(decision).toEqual({ retry: true, delayMs: 1000 });
			state = recordRetry(state, refused, 1000);
		}
		expect(state).toEqual({ failures: policy.maxAttempts - 1, waitedMs: 0, rateLimited: 50, rateLimitWaitedMs: 50_000 });
		const nearlyOut: RetryState = { ...state, rateLimitWaitedMs: policy.maxRateLimitWaitMs - 500 };
		expect(decideRetry(policy, 'POST', refused, nearlyOut, () => 0)).toEqual({ retry: false, reason: 'wait' });
		// And a count, so that `Retry-After: 0` for ever does not spin.
		const immediate = { kind: 'status', status: 429, retryAfterMs: 0 } as const;
		const manyTimes: RetryState = { ...freshRetryState(), rateLimited: policy.maxRateLimitRetries };
		expect(decideRetry(policy, 'POST', immediate, manyTimes)).toEqual({ retry: false, reason: 'attempts' });
	});

	test('honours Retry-After over the back-off, plus a random share of it so refused executions spread out', () => {
		const refused = { kind: 'status', status: 429, retryAfterMs: 2500 } as const;
		expect(decideRetry(policy, 'GET', refused, freshRetryState(), () => 0)).toEqual({ retry: true, delayMs: 2500 });
		expect(decideRetry(policy, 'GET', refused, freshRetryState(), () => 1)).toEqual({ retry: true, delayMs: Math.round(2500 * (1 + policy.rateLimitSpread)) });
		// Without Retry-After: the exponential back-off, by the number of 429s so far.
		const bare = { kind: 'status', status: 429 } as const;
		expect(decideRetry(policy, 'GET', bare, { ...freshRetryState(), rateLimited: 2 }, () => 0)).toEqual({ retry: true, delayMs: policy.baseDelayMs * 2 });
	});

	test('back-off grows exponentially with jitter between half and the full step, capped', () => {
		expect(backoffDelay(policy, 1, () => 0)).toBe(policy.baseDelayMs / 2);
		expect(backoffDelay(policy, 1, () => 1)).toBe(policy.baseDelayMs);
		expect(backoffDelay(policy, 3, () => 1)).toBe(policy.baseDelayMs * 4);
		expect(backoffDelay(policy, 30, () => 1)).toBe(policy.maxDelayMs);
	});

	test('Retry-After as seconds or an HTTP date', () => {
		const now = Date.parse('2026-11-24T12:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});

describe('error bodies', () => {
	test('JSON with field errors, empty, text and HTML are all read', () => {
		expect(readErrorBody('{"message":"Bad","errors":[{"field":"creditor.name","message":"required"}]}')).toMatchObject({
			message: 'Bad',
			errors: [{ field: 'creditor.name', message: 'required' }],
		});
		expect(readErrorBody('')).toEqual({});
		expect(readErrorBody('upstream timed out')).toEqual({ rawText: 'upstream timed out' });
		expect(readErrorBody('<html><title>503 Service Unavailable</title><body>x</body></html>')).toEqual({ rawText: '503 Service Unavailable' });
	});

	test('the secret is scrubbed from any text', () => {
		expect(scrub('key pk_secret_1234 echoed', 'pk_secret_1234')).toBe('key •••• echoed');
	});
});

describe('request gate', () => {
	test('never lets more than the bound in flight', async () => {
		const gate = new RequestGate({ maxInFlight: 3 });
		let inFlight = 0;
		let peak = 0;
		await Promise.all(
			Array.from({ length: 20 }, async () => {
				const ticket = await gate.acquire();
				peak = Math.max(peak, ++inFlight);
				await new Promise((resolve) => setTimeout(resolve, 2));
				inFlight--;
				gate.release(ticket, 'success');
			}),
		);
		expect(peak).toBe(3);
	});

	test('after a 429 the bound becomes the number the API accepted alongside it, then grows only slowly', () => {
		const gate = new RequestGate({ maxInFlight: 16, initialInFlight: 16, probeSuccesses: 50 });
		const tickets: number[] = [];
		return (async () => {
			for (let i = 0; i < 16; i++) tickets.push(await gate.acquire());
			gate.release(tickets[0], 'rate-limited', 0);
			expect(gate.currentLimit).toBe(15); // nothing more is sent than is still in flight, while those answer
			tickets.slice(1, 11).forEach((t) => gate.release(t, 'success')); // the API held 10
			tickets.slice(11).forEach((t) => gate.release(t, 'rate-limited', 0));
			expect(gate.currentLimit).toBe(10);
			for (let i = 0; i < 49; i++) gate.release(await gate.acquire(), 'success');
			expect(gate.currentLimit).toBe(10);
			gate.release(await gate.acquire(), 'success');
			expect(gate.currentLimit).toBe(11);
		})();
	});

	test('slow start: from initialInFlight the bound grows by one per success (doubling per round trip) up to the maximum', async () => {
		const gate = new RequestGate({ maxInFlight: 32 });
		expect(gate.currentLimit).toBe(8);
		for (let i = 0; i < 8; i++) gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(16);
		for (let i = 0; i < 30; i++) gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(32);
		expect(new RequestGate({ maxInFlight: 1 }).currentLimit).toBe(1);
	});

	test('a 429 while others of ours are accepted: no pause, the bound drops to those still in flight', async () => {
		const gate = new RequestGate({ maxInFlight: 4, initialInFlight: 4 });
		const tickets = [await gate.acquire(), await gate.acquire(), await gate.acquire()];
		gate.release(tickets[0], 'rate-limited', 60_000);
		expect(gate.currentLimit).toBe(2);
		const started = Date.now();
		tickets.slice(1).forEach((t) => gate.release(t, 'success')); // the API held 2 of ours
		gate.release(await gate.acquire(), 'success'); // not paused for the minute Retry-After asked
		expect(Date.now() - started).toBeLessThan(1000);
		expect(gate.currentLimit).toBe(2);
	});

	test('refused while holding nothing the limit is others\': the bound restarts at 1 and grows one per round trip', async () => {
		let now = 0;
		const gate = new RequestGate({ maxInFlight: 8, initialInFlight: 1, now: () => now, random: () => 0 });
		gate.release(await gate.acquire(), 'rate-limited', 0);
		expect(gate.currentLimit).toBe(1);
		now = 100; // well within probeAfterMs: still growing, since nothing of ours was ever refused at a bound
		gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(2);
		gate.release(await gate.acquire(), 'success');
		gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(3);
	});

	test('what a 429 taught goes stale: after probeAfterMs without one, the bound grows per round trip again', async () => {
		let now = 0;
		const gate = new RequestGate({ maxInFlight: 16, initialInFlight: 4, probeSuccesses: 1000, probeAfterMs: 5000, now: () => now });
		const tickets = [await gate.acquire(), await gate.acquire(), await gate.acquire(), await gate.acquire()];
		gate.release(tickets[0], 'rate-limited', 0);
		tickets.slice(1).forEach((t) => gate.release(t, 'success')); // learned: 3
		expect(gate.currentLimit).toBe(3);
		for (let i = 0; i < 10; i++) gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(3); // fresh: probing would take 1,000 successes
		now = 6000;
		for (let i = 0; i < 3; i++) gate.release(await gate.acquire(), 'success');
		expect(gate.currentLimit).toBe(4);
	});

	test('a 429 when none of ours is held pauses every request for Retry-After', async () => {
		const gate = new RequestGate({ maxInFlight: 4 });
		gate.release(await gate.acquire(), 'rate-limited', 300);
		const started = Date.now();
		gate.release(await gate.acquire(), 'success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(280);
	});
});
