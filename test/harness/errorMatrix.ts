/**
 * The same error-handling checks for every operation: each status of the contract mapped to its
 * message, retries that stop (and never for a POST the server may have acted on), continue-on-fail
 * on the regular and the error output, and the partner key in no output or error.
 */
import type { IDataObject } from 'n8n-workflow';

import { type EndpointName, ENDPOINTS } from '../../nodes/CashInPartner/contract/endpoints';
import { DEFAULT_RETRY_POLICY } from '../../nodes/CashInPartner/transport/retry';
import type { Fault } from '../../emulator/faults';
import type { Emulator } from '../../emulator/server';
import { addCreditor, jsonOf, pairingOf, run, visibleText } from './fixtures';

export interface OperationUnderTest {
	endpoint: EndpointName;
	/** Node parameters for one valid call; `n` makes POST bodies unique. */
	parameters(emulator: Emulator, n: number): IDataObject;
}

const ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts;
const RATE_LIMIT_RETRIES = DEFAULT_RETRY_POLICY.maxRateLimitRetries;

export function errorMatrix(getEmulator: () => Emulator, op: OperationUnderTest) {
	const method = ENDPOINTS[op.endpoint].method;
	/** Repeated after a failure the server may have acted on: GET and PUT; never a POST. */
	const safe = method !== 'POST';
	/** A read needs an answer it can use; for a write, any 2xx means Cash-In carried it out. */
	const read = method === 'GET';
	let n = 0;
	const params = () => op.parameters(getEmulator(), ++n);
	const callsTo = () => getEmulator().requestsTo(op.endpoint).length;
	const inject = (fault: Fault, times?: number) => getEmulator().addFault({ endpoint: op.endpoint, fault, times });

	async function expectFailure(expected: RegExp, attempts: number) {
		const emulator = getEmulator();
		const result = await run(emulator, { parameters: params() });
		expect(result.error?.message).toMatch(expected);
		expect(callsTo()).toBe(attempts);
		expect(visibleText(result)).not.toContain(emulator.partnerKey);
		return result;
	}

	describe(`error handling of ${op.endpoint}`, () => {
		test('400 shows the API field errors by their labels, no retry', async () => {
			inject({ kind: 'status', status: 400, body: { message: 'Validation failed', errors: [{ field: 'creditor.businessCode', message: 'unknown format' }] } });
			const result = await expectFailure(/refused the request as invalid: Business ID: unknown format/, 1);
			expect((result.error as { description?: string }).description).toContain('Cash-In did not carry out this item');
		});

		test('401 says the key was not accepted and names the environment, no retry', async () => {
			const emulator = getEmulator();
			const result = await run(emulator, { parameters: params(), credential: { apiKey: 'pk_wrong_key_123456' } });
			expect(result.error?.message).toBe('The Cash-In partner API key was not accepted (Sandbox environment) [item 0]');
			expect((result.error as { description?: string }).description).toMatch(/Sandbox and production keys are separate/);
			expect(emulator.requests.map((r) => r.status)).toEqual([401]);
			expect(visibleText(result)).not.toContain('pk_wrong_key_123456');
		});

		test('403 for a creditor key explains that a partner-level key is needed', async () => {
			const emulator = getEmulator();
			const creditorKey = addCreditor(emulator).apiKey;
			const result = await run(emulator, { parameters: params(), credential: { apiKey: creditorKey } });
			expect(result.error?.message).toBe('This API key may not use Cash-In partner services [item 0]');
			expect((result.error as { description?: string }).description).toMatch(/partner-level key.*IP address registered.*through a proxy whose address is registered \(set HTTPS_PROXY/s);
			expect(emulator.requests).toHaveLength(1);
			expect(visibleText(result)).not.toContain(creditorKey);
		});

		test('402 shows the business rule and is not retried', async () => {
			inject({ kind: 'status', status: 402, body: { message: 'Creditor already exists' } });
			await expectFailure(/^Cash-In declined this request: Creditor already exists/, 1);
		});

		test('404 names what was asked for', async () => {
			inject({ kind: 'status', status: 404, body: { message: 'Not found' } });
			await expectFailure(/^Cash-In has nothing for /, 1);
		});

		test(`429 is retried (any method: the server did not act) beyond the ${ATTEMPTS} attempts, and stops after ${RATE_LIMIT_RETRIES} retries`, async () => {
			inject({ kind: 'status', status: 429, retryAfter: '0' });
			await expectFailure(/kept rate limiting/, 1 + RATE_LIMIT_RETRIES);
		});

		test('a 429 once, then success: the item goes through after the wait', async () => {
			inject({ kind: 'status', status: 429, retryAfter: '1' }, 1);
			const started = Date.now();
			const result = await run(getEmulator(), { parameters: params() });
			expect(result.error).toBeUndefined();
			expect(Date.now() - started).toBeGreaterThanOrEqual(950);
			expect(getEmulator().requestsTo(op.endpoint).map((r) => r.status)).toEqual([429, expect.any(Number)]);
		});

		test(safe ? '500 is retried, then reported' : '500 is not retried: the server may have acted', async () => {
			inject({ kind: 'status', status: 500 });
			const result = await expectFailure(/internal error \(HTTP 500\)/, safe ? ATTEMPTS : 1);
			if (!safe) expect(result.error?.message).toMatch(/may or may not have been/);
		});

		test(safe ? '503 once is recovered from' : '503 is not retried', async () => {
			inject({ kind: 'status', status: 503, body: 'Service Unavailable' }, 1);
			const result = await run(getEmulator(), { parameters: params() });
			if (safe) {
				expect(result.error).toBeUndefined();
				expect(callsTo()).toBe(2);
			} else {
				expect(result.error?.message).toMatch(/temporarily unavailable .* may or may not have been/);
				expect(callsTo()).toBe(1);
			}
		});

		test('a proxy HTML page is reduced to its title', async () => {
			inject({ kind: 'html', status: 502 });
			const result = await expectFailure(/internal error \(HTTP 502\)/, safe ? ATTEMPTS : 1);
			expect((result.error as { description?: string }).description).toContain('502 Bad Gateway');
			expect(visibleText(result)).not.toContain('<html>');
		});

		test(safe ? 'a dropped connection is retried' : 'a dropped connection is not retried: the server may have acted', async () => {
			inject({ kind: 'drop', act: true }, 1);
			const result = await run(getEmulator(), { parameters: params() });
			if (safe) expect(result.error).toBeUndefined();
			else expect(result.error?.message).toMatch(/connection to Cash-In was cut .* may or may not have been/);
			expect(callsTo()).toBe(safe ? 2 : 1);
		});

		test(read ? 'an unreadable success body is retried' : 'an unreadable success body counts as done, with a warning, and is not sent again', async () => {
			inject({ kind: 'malformed' }, 1);
			const result = await run(getEmulator(), { parameters: params() });
			expect(result.error).toBeUndefined();
			if (!read) {
				expect(jsonOf(result)[0].warning).toMatch(/^Cash-In confirmed this \(HTTP 200\), but its answer could not be read .* It counts as done: do not run this item again/);
				expect(getEmulator().requestsTo(op.endpoint).filter((r) => r.acted)).toHaveLength(1);
			}
			expect(callsTo()).toBe(read ? 2 : 1);
		});

		test(safe ? 'a timeout is retried' : 'a timeout is reported as "may or may not", not retried', async () => {
			inject({ kind: 'slow', ms: 1500 }, 1);
			const result = await run(getEmulator(), { parameters: { ...params(), options: { timeoutSeconds: 1 } } });
			if (safe) expect(result.error).toBeUndefined();
			else expect(result.error?.message).toMatch(/did not answer within 1 seconds .* may or may not have been/);
			expect(callsTo()).toBe(safe ? 2 : 1);
		});

		test('a refused connection is retried (nothing was sent), then reported', async () => {
			const emulator = getEmulator();
			// Nothing reaches the emulator, so the retries show in the time taken: each back-off is at least half its step.
			const { maxAttempts, baseDelayMs, maxDelayMs } = DEFAULT_RETRY_POLICY;
			const minimumWait = Array.from({ length: maxAttempts - 1 }, (_, n) => Math.min(maxDelayMs, baseDelayMs * 2 ** n) / 2).reduce((a, b) => a + b, 0);
			const started = Date.now();
			const result = await run(emulator, { parameters: params(), credential: { sandboxBaseUrl: 'http://127.0.0.1:9/v2' } });
			expect(result.error?.message).toBe('Could not connect to Cash-In at http://127.0.0.1:9/v2 [item 0]');
			expect(Date.now() - started).toBeGreaterThanOrEqual(minimumWait);
			expect(emulator.requests).toHaveLength(0);
		}, 20_000);

		test('continue-on-fail (regular output): the failing item becomes an error item, the others succeed, pairing kept', async () => {
			const items = [params(), params(), params()];
			getEmulator().addFault({ endpoint: op.endpoint, times: 1, fault: { kind: 'status', status: 404 } });
			const result = await run(getEmulator(), {
				parameters: { ...items[0], ...expressionsFor(items), options: { parallelRequests: 1 } },
				items,
				onError: 'continueRegularOutput',
			});
			expect(result.error).toBeUndefined();
			const out = jsonOf(result);
			expect(out.length).toBeGreaterThanOrEqual(3);
			expect(out[0]).toEqual({ error: expect.stringMatching(/^Cash-In has nothing for .* \[item 0\]$/), message: expect.stringMatching(/^Check /) });
			expect(pairingOf(result)[0]).toEqual({ item: 0 });
			expect(pairingOf(result).slice(1).every((p) => (p as { item: number }).item >= 1)).toBe(true);
		});

		test('continue-on-fail (error output): the failing item goes to the error branch with its pairing', async () => {
			const items = [params(), params(), params()];
			getEmulator().addFault({ endpoint: op.endpoint, times: 1, fault: { kind: 'status', status: 404 } });
			const result = await run(getEmulator(), {
				parameters: { ...items[0], ...expressionsFor(items), options: { parallelRequests: 1 } },
				items,
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			expect(result.outputs[1]).toHaveLength(1);
			expect(result.outputs[1][0].pairedItem).toEqual({ item: 0 });
			expect(result.outputs[1][0].json.error).toMatch(/^Cash-In has nothing for/);
			expect(jsonOf(result, 0).every((json) => json.error === undefined)).toBe(true);
		});
	});
}

/** Each item carries its own parameters, read through expressions, as a sheet-driven workflow does. */
function expressionsFor(items: IDataObject[]): IDataObject {
	return Object.fromEntries(
		Object.entries(items[0])
			.filter(([key, value]) => !['resource', 'operation'].includes(key) && typeof value === 'string')
			.map(([key]) => [key, `={{ $json[${JSON.stringify(key)}] }}`]),
	);
}
