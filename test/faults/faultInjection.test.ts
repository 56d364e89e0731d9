/**
 * Under faults: the emulator injects 429/500/503, timeouts, dropped connections and unreadable bodies on
 * about 10% of requests (fixed seed). Every item must end as exactly one success or one error, no POST may
 * be repeated after the server may have acted, GET/PUT must recover within the retry budget, and the
 * partner key must appear in no output, error or log line.
 */
import { dirname } from 'node:path';

import { type IDataObject, LoggerProxy } from 'n8n-workflow';

import { ENDPOINTS, type EndpointName } from '../../nodes/CashInPartner/contract/endpoints';
import { DEFAULT_RETRY_POLICY } from '../../nodes/CashInPartner/transport/retry';
import type { Fault } from '../../emulator/faults';
import { businessIdFor, makeDeliveries } from '../../emulator/seed';
import type { RecordedRequest } from '../../emulator/server';
import { addCreditor, createFromItems, jsonOf, pairingOf, run, TODAY, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();
const ITEMS = 240;

const FAULTS: Fault[] = [
	{ kind: 'status', status: 429, retryAfter: '0' },
	{ kind: 'status', status: 500 },
	{ kind: 'status', status: 503 },
	{ kind: 'slow', ms: 1300 },
	{ kind: 'drop', act: true },
	{ kind: 'drop', act: false },
	{ kind: 'malformed' },
	{ kind: 'html', status: 502 },
];

const logLines: string[] = [];
beforeAll(() => {
	const capture = (level: string) => (message: string, meta?: object) => logLines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
	const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
	// Node code logs through n8n-core's Logger service (this.logger), resolved from n8n-core's own copies.
	const fromCore = (name: string) => require(require.resolve(name, { paths: [dirname(require.resolve('n8n-core'))] }));
	const { Container } = fromCore('@n8n/di');
	const { Logger } = fromCore('@n8n/backend-common');
	Container.set(Logger, { ...logger, scoped: () => logger });
	LoggerProxy.init(logger as never);
});

interface Case {
	endpoint: EndpointName;
	parameters: IDataObject;
	items: () => IDataObject[];
	/** The text in a request body that identifies its item, to group retries per item. */
	identify?: (request: RecordedRequest) => string;
}

const cases: Case[] = [
	{
		endpoint: 'sendSms',
		parameters: { resource: 'sms', operation: 'send', recipient: '={{ $json.phone }}', message: 'Muistutus', additionalFields: { reference: '={{ $json.ref }}' } },
		items: () => Array.from({ length: ITEMS }, (_, i) => ({ phone: `040 7${String(i).padStart(6, '0')}`, ref: `F-${i}` })),
		identify: (r) => String((r.body as IDataObject | undefined)?.reference ?? /"reference":"([^"]+)"/.exec(r.rawBody)?.[1]),
	},
	{
		endpoint: 'createCreditor',
		parameters: createFromItems,
		items: () => Array.from({ length: ITEMS }, (_, i) => ({ name: `Yritys ${i} Oy`, businessId: businessIdFor(20000 + i) })),
		identify: (r) => /"businessCode":"([^"]+)"/.exec(r.rawBody)?.[1] ?? '?',
	},
	{
		endpoint: 'updateCreditor',
		parameters: { resource: 'creditor', operation: 'update', creditorId: '={{ $json.id }}', updateFields: { city: 'ESPOO' } },
		items: () => Array.from({ length: ITEMS }, () => ({ id: addCreditor(emulator()).creditorId })),
	},
	{
		endpoint: 'getCreditorCredentials',
		parameters: { resource: 'creditorCredential', operation: 'get', creditorId: '={{ $json.id }}' },
		items: () => Array.from({ length: ITEMS }, () => ({ id: addCreditor(emulator()).creditorId })),
	},
	{
		endpoint: 'getCreditorAgreements',
		parameters: { resource: 'agreement', operation: 'getAll', creditorId: '={{ $json.id }}', returnAll: true },
		items: () =>
			Array.from({ length: ITEMS }, () => {
				const { creditorId } = addCreditor(emulator());
				emulator().state.addAgreement(creditorId, { agreementId: `A-${creditorId}`, system: 'CRM' });
				return { id: creditorId };
			}),
	},
	{
		endpoint: 'getSellerDeliveries',
		parameters: { resource: 'delivery', operation: 'getAll', sellerId: '={{ $json.id }}', returnAll: true },
		items: () =>
			Array.from({ length: 200 }, (_, i) => {
				emulator().state.addDeliveries(`c_fault_${i}`, makeDeliveries(30, { today: TODAY, seed: i, prefix: `S${i}` }));
				return { id: `c_fault_${i}` };
			}),
	},
];

describe.each(cases)('$endpoint under ~10% injected faults', ({ endpoint, parameters, items, identify }) => {
	const safe = ENDPOINTS[endpoint].method !== 'POST';
	/** A write whose 2xx answer cannot be read is done (Cash-In acted); a read tries again. */
	const endsAttempts = (request: RecordedRequest) => !request.fault || (ENDPOINTS[endpoint].method !== 'GET' && request.fault === 'malformed');

	test(`every item ends as one success or one error; ${safe ? 'transient faults are recovered' : 'nothing is repeated after the server may have acted'}; the key stays secret`, async () => {
		const input = items();
		emulator().faults.randomly({ seed: 4242, rate: 0.1, faults: FAULTS });
		logLines.length = 0;
		const result = await run(emulator(), {
			parameters: { ...parameters, options: { timeoutSeconds: 1 } },
			items: input,
			onError: 'continueErrorOutput',
		});
		emulator().faults.clear();

		// Exactly one result per input item, on one of the two outputs.
		const successes = result.outputs[0] ?? [];
		const errors = result.outputs[1] ?? [];
		const itemsOf = (list: typeof successes) => list.map((item) => (item.pairedItem as { item: number }).item);
		const succeeded = new Set(itemsOf(successes));
		const failed = itemsOf(errors);
		expect(new Set(failed).size).toBe(failed.length);
		for (const item of failed) expect(succeeded.has(item)).toBe(false);
		expect(succeeded.size + failed.length).toBe(input.length);
		const faulted = emulator().requests.filter((r) => r.fault).length;
		expect(faulted).toBeGreaterThan(emulator().requests.length * 0.05);

		if (safe) {
			// Recovered within the retry budget: an item may fail only when every one of its attempts met a
			// fault (each item has its own path). With 10% faults that is ~1 in 10,000 items.
			const attemptsByPath = new Map<string, RecordedRequest[]>();
			for (const request of emulator().requestsTo(endpoint)) {
				attemptsByPath.set(request.path, [...(attemptsByPath.get(request.path) ?? []), request]);
			}
			const exhausted = [...attemptsByPath.values()].filter((attempts) => !attempts.some(endsAttempts));
			for (const attempts of exhausted) expect(attempts).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
			expect(failed.length).toBe(exhausted.length);
			expect(failed.length).toBeLessThanOrEqual(1);
		} else {
			// A POST is repeated only after a 429 or a dropped connection that never reached the handler.
			const byItem = new Map<string, RecordedRequest[]>();
			for (const request of emulator().requestsTo(endpoint)) {
				const key = identify!(request);
				byItem.set(key, [...(byItem.get(key) ?? []), request]);
			}
			expect(byItem.size).toBe(input.length);
			for (const requests of byItem.values()) {
				for (const earlier of requests.slice(0, -1)) {
					expect(earlier.acted).toBe(false);
					expect(earlier.status === 429 || earlier.fault === 'drop').toBe(true);
				}
				expect(requests.filter((r) => r.acted).length).toBeLessThanOrEqual(1);
			}
			for (const error of errors) expect(String(error.json.error)).toMatch(/may or may not have been|kept rate limiting/);
		}

		expect(visibleText(result)).not.toContain(emulator().partnerKey);
		// The retries were logged (so the log was really captured), and no log line holds the key.
		expect(logLines.some((line) => line.includes('Cash-In Partner: retrying'))).toBe(true);
		expect(logLines.join('\n')).not.toContain(emulator().partnerKey);
		expect(pairingOf(result).length).toBeGreaterThanOrEqual(succeeded.size);
	}, 120_000);
});

test('two executions at once share nothing: a 429 pause in one does not slow the other', async () => {
	const slowCreditor = addCreditor(emulator());
	const fastCreditor = addCreditor(emulator());
	emulator().addFault({ endpoint: 'getCreditorCredentials', path: `/partner/creditors/${slowCreditor.creditorId}/credentials`, times: 1, fault: { kind: 'status', status: 429, retryAfter: '3' } });
	const started = Date.now();
	const paused = run(emulator(), { parameters: { resource: 'creditorCredential', operation: 'get', creditorId: slowCreditor.creditorId } });
	const other = await run(emulator(), {
		parameters: { resource: 'creditorCredential', operation: 'get', creditorId: '={{ $json.id }}' },
		items: Array.from({ length: 20 }, () => ({ id: fastCreditor.creditorId })),
	});
	expect(jsonOf(other)).toHaveLength(20);
	expect(Date.now() - started).toBeLessThan(2000);
	expect((await paused).error).toBeUndefined();
	expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
});

test('against an API holding 4 requests at once, 200 SMS at 32 in parallel: all sent once, few 429s', async () => {
	emulator().maxInFlight = 4;
	emulator().retryAfter = '0.2';
	emulator().latencyMs = 20;
	try {
		const result = await run(emulator(), {
			parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', additionalFields: { reference: '={{ $json.ref }}' }, options: { parallelRequests: 32 } },
			items: Array.from({ length: 200 }, (_, i) => ({ ref: `AIMD-${i}` })),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(200);
		const sent = emulator().state.sms.filter((s) => s.body.reference?.startsWith('AIMD-'));
		expect(new Set(sent.map((s) => s.body.reference)).size).toBe(200);
		expect(sent).toHaveLength(200);
		const refused = emulator().requestsTo('sendSms').filter((r) => r.status === 429).length;
		// One burst of 28 refusals while the node learns the limit, then only rare probes.
		expect(refused).toBeLessThan(40);
	} finally {
		emulator().maxInFlight = Number.POSITIVE_INFINITY;
		emulator().latencyMs = 0;
		emulator().retryAfter = '1';
	}
}, 60_000);

test('the emulator\'s latency spread: answers take latency ± spread, evenly, so requests sent together are not answered together', async () => {
	emulator().latencyMs = 60;
	emulator().latencySpreadMs = 40;
	try {
		const result = await run(emulator(), {
			parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', additionalFields: { reference: '={{ $json.ref }}' }, options: { parallelRequests: 32 } },
			items: Array.from({ length: 96 }, (_, i) => ({ ref: `SPREAD-${i}` })),
		});
		expect(result.error).toBeUndefined();
		const held = emulator()
			.requestsTo('sendSms')
			.filter((r) => r.status === 200 && String((r.body as IDataObject | undefined)?.reference ?? '').startsWith('SPREAD-'))
			.map((r) => r.answeredAt! - r.receivedAt);
		expect(held).toHaveLength(96);
		const mean = held.reduce((sum, ms) => sum + ms, 0) / held.length;
		// Drawn from 20..100 ms: both ends reached, the mean near 60, no answer outside the range (+ timer slack).
		expect(Math.min(...held)).toBeLessThan(35);
		expect(Math.max(...held)).toBeGreaterThan(85);
		expect(Math.abs(mean - 60)).toBeLessThan(12);
		expect(held.every((ms) => ms >= 19 && ms < 130)).toBe(true);
	} finally {
		emulator().latencyMs = 0;
		emulator().latencySpreadMs = 0;
	}
}, 60_000);

test('20 executions sharing one partner limit of 10 (as on n8n queue-mode workers): none fails, every SMS sent once', async () => {
	// Each execution has its own gate and learns nothing from the others: it is refused again and again
	// while they hold the limit. 429s therefore do not use up its attempts; it waits them out.
	emulator().maxInFlight = 10;
	emulator().retryAfter = '0.3';
	emulator().latencyMs = 20;
	try {
		const runs = await Promise.all(
			Array.from({ length: 20 }, (_, e) =>
				run(emulator(), {
					parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', additionalFields: { reference: '={{ $json.ref }}' } },
					items: Array.from({ length: 25 }, (_, i) => ({ ref: `SHARED-${e}-${i}` })),
				}),
			),
		);
		for (const result of runs) {
			expect(result.error).toBeUndefined();
			expect(jsonOf(result).filter((item) => 'error' in item)).toEqual([]);
			expect(jsonOf(result)).toHaveLength(25);
		}
		const sent = emulator().state.sms.filter((s) => s.body.reference?.startsWith('SHARED-'));
		expect(sent).toHaveLength(500);
		expect(new Set(sent.map((s) => s.body.reference)).size).toBe(500);
		// The limit was really contended: more refusals than the executions have starting requests.
		expect(emulator().requestsTo('sendSms').filter((r) => r.status === 429).length).toBeGreaterThan(40);
	} finally {
		emulator().maxInFlight = Number.POSITIVE_INFINITY;
		emulator().latencyMs = 0;
		emulator().retryAfter = '1';
	}
}, 120_000);
