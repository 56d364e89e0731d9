/* THROWAWAY adversarial tests — delete after review. */
import type { IDataObject, INode } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { jsonOf, run, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();
jest.setTimeout(120_000);

const sms = (extra: IDataObject = {}) => ({
	resource: 'sms',
	operation: 'send',
	recipient: '={{ $json.phone }}',
	message: '={{ $json.text }}',
	additionalFields: { reference: '={{ $json.ref }}' },
	...extra,
});
const rowsOf = (count: number, tag: string) =>
	Array.from({ length: count }, (_, i) => ({ phone: `+3584015${String(i).padStart(5, '0')}`, text: `Msg ${tag} ${i}`, ref: `${tag}-${i}` }));

/** acted SMS per (recipient, message, reference) for references of this tag */
function acted(tag: string) {
	const counts = new Map<string, number>();
	for (const s of emulator().state.sms.filter((x) => x.body.reference?.startsWith(`${tag}-`))) {
		const k = JSON.stringify([s.body.recipient, s.body.message, s.body.reference]);
		counts.set(k, (counts.get(k) ?? 0) + 1);
	}
	return counts;
}
const maxActed = (tag: string) => Math.max(0, ...acted(tag).values());
let wf = 0;
const newWf = () => `zz-adv-${++wf}`;

const MODES: Array<[string, INode['onError']]> = [
	['stop', undefined],
	['regular', 'continueRegularOutput'],
	['errorOutput', 'continueErrorOutput'],
];

describe('masking', () => {
	const body = JSON.stringify({ service: { type: 'LIFECYCLE' }, creditor: { name: 'Mask Oy', businessCode: '__BID__', countryCode: 'FI' }, contacts: [{ role: 'PRIMARY', name: 'Maija' }] });
	test.each([['masked'], ['omit']])('arrays / objects under secret-like names (%s)', async (display) => {
		emulator().drifts.push(
			{ kind: 'addFields', endpoint: 'createCreditor', path: '', fields: { apiKeys: ['AKEYLEAK_0001xyz', 'AKEYLEAK_0002xyz'], token: { value: 'TOKLEAK_abcdef123' }, secrets: [{ value: 'SECLEAK_zzzz9999' }] } },
			{ kind: 'addFields', endpoint: 'createCreditor', path: 'credentials', fields: { refreshTokens: ['RTLEAK_qqqq8888'] } },
		);
		const result = await run(emulator(), { parameters: { resource: 'creditor', operation: 'create', inputMode: 'json', jsonBody: body.replace('__BID__', businessIdFor(700000 + (display === 'omit' ? 1 : 2))), creditorKeyDisplay: display } });
		const shown = JSON.stringify(jsonOf(result));
		const leaks = ['AKEYLEAK', 'TOKLEAK', 'SECLEAK', 'RTLEAK'].filter((s) => shown.includes(s));
		console.log(display, 'LEAKS', leaks, shown);
		expect(leaks).toEqual([]);
	});
});

describe('scrub', () => {
	test('key with trailing space in the credential, echoed trimmed in a 400 body', async () => {
		const key = 'pk_live_SECRETSECRET_123456';
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'status', status: 400, body: { message: `Key '${key}' is not allowed for this recipient` } } });
		const result = await run(emulator(), { parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', skipSentBefore: false }, credential: { apiKey: `${key} ` } });
		const shown = visibleText(result);
		console.log('trailing-space', result.error?.message);
		expect(shown).not.toContain('SECRETSECRET');
	});
	test('key containing a double quote, in a JSON 400 body', async () => {
		const key = 'pk"SECRETQUOTE_abcdefgh';
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'status', status: 400, body: { message: `bad key ${key}` } } });
		const result = await run(emulator(), { parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', skipSentBefore: false }, credential: { apiKey: key } });
		const shown = visibleText(result);
		console.log('quote', shown.slice(0, 2000));
		expect(shown).not.toContain('SECRETQUOTE');
	});
	test('key containing a slash, in a JSON 500 body of another form, escaped as \\/ by the server', async () => {
		const key = 'pk/SECRETSLASH_abcdefgh';
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'status', status: 500, body: `{"detail":"bad key ${key.replace('/', '\\/')}"}` } });
		const result = await run(emulator(), { parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', skipSentBefore: false }, credential: { apiKey: key } });
		const shown = visibleText(result);
		console.log('slash', result.error?.message);
		expect(shown).not.toContain('SECRETSLASH');
	});
});

describe('never twice battery', () => {
	const combos: Array<[string, INode['onError'], boolean]> = [];
	for (const [name, mode] of MODES) for (const retry of [false, true]) combos.push([name, mode, retry]);
	test.each(combos)('faults mix, mode %s retry %s, then two re-runs', async (name, onError, retry) => {
		const tag = `N1${name}${retry ? 'r' : ''}`;
		const workflowId = newWf();
		const rows = rowsOf(12, tag);
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-2"`, times: 1, fault: { kind: 'drop', act: true } });
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-5"`, times: 1, fault: { kind: 'status', status: 400 } });
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-7"`, times: 1, fault: { kind: 'malformed' } });
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-9"`, times: 1, fault: { kind: 'slow', ms: 1500 } });
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-10"`, times: 1, fault: { kind: 'status', status: 429, retryAfter: '0' } });
		const params = sms({ options: { timeoutSeconds: 1, parallelRequests: 3 } });
		const opts = { parameters: params, items: rows, workflowId, onError, ...(retry ? { retry: { maxTries: 3 } } : {}) };
		const r1 = await run(emulator(), opts);
		const r2 = await run(emulator(), opts);
		const r3 = await run(emulator(), opts);
		const counts = acted(tag);
		console.log(tag, 'acted', [...counts.values()].join(','), 'size', counts.size, 'errs', r1.error?.message, r2.error?.message, r3.error?.message);
		expect(maxActed(tag)).toBeLessThanOrEqual(1);
		// the refused row must go out eventually
		expect(counts.get(JSON.stringify([rows[5].phone, rows[5].text, rows[5].ref]))).toBe(1);
	});

	test.each(MODES)('three executions at once with random faults, mode %s, then a clean re-run', async (name, onError) => {
		const tag = `N2${name}`;
		const workflowId = newWf();
		const rows = rowsOf(40, tag);
		emulator().faults.randomly({
			seed: 7 + name.length,
			rate: 0.3,
			faults: [
				{ kind: 'latency', ms: 20 },
				{ kind: 'drop', act: true },
				{ kind: 'drop', act: false },
				{ kind: 'status', status: 400 },
				{ kind: 'status', status: 429, retryAfter: '0' },
				{ kind: 'malformed' },
				{ kind: 'status', status: 502 },
				{ kind: 'html', status: 404 },
			],
		});
		const opts = { parameters: sms({ options: { parallelRequests: 4 } }), items: rows, workflowId, onError };
		await Promise.all([run(emulator(), opts), run(emulator(), { ...opts, retry: { maxTries: 2 } }), run(emulator(), opts)]);
		emulator().faults.clear();
		await run(emulator(), opts);
		await run(emulator(), opts);
		const counts = acted(tag);
		console.log(tag, 'acted size', counts.size, 'max', maxActed(tag), 'posts', emulator().requestsTo('sendSms').length);
		expect(maxActed(tag)).toBeLessThanOrEqual(1);
	});

	test('chunk boundary: 520 rows, duplicates across chunks, row 300 refused under Stop, a concurrent run, then re-run', async () => {
		const tag = 'N3';
		const workflowId = newWf();
		const base = rowsOf(260, tag);
		const rows = [...base, ...base.map((r) => ({ ...r, text: ` ${r.text}  ` }))]; // same SMS evened out
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-40"`, times: 1, fault: { kind: 'status', status: 400 } });
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'latency', ms: 2 } });
		const opts = { parameters: sms({ options: { parallelRequests: 8 } }), items: rows, workflowId };
		const [a, b] = await Promise.all([run(emulator(), opts), run(emulator(), { ...opts, items: [...rows].reverse() })]);
		emulator().faults.clear();
		const c = await run(emulator(), opts);
		const counts = acted(tag);
		console.log(tag, 'size', counts.size, 'max', maxActed(tag), a.error?.message, b.error?.message, c.error?.message);
		expect(maxActed(tag)).toBeLessThanOrEqual(1);
		expect(counts.size).toBe(260);
	});
});

import type { IExecuteFunctions } from 'n8n-workflow';
import { sentMemoryOf, type SentBeforeSettings } from '../../nodes/CashInPartner/actions/sentBefore';
import { MemoryDeduplicator } from '../../testing/engine';

describe('memory logic (unit level, clock by hand)', () => {
	const DAY = 86_400_000;
	const MONDAY = Date.UTC(2026, 11, 7);
	function ctxOf(store: MemoryDeduplicator): IExecuteFunctions {
		const context = { workflow: { id: 'wf-zz' }, node: { id: 'node-zz' } } as never;
		return {
			getWorkflow: () => ({ id: 'wf-zz' }),
			getNode: () => ({ id: 'node-zz', name: 'Send' }),
			helpers: {
				checkProcessedAndRecord: (items: string[], scope: 'node', options: never) => store.checkProcessedAndRecord(items, scope, context, options),
				removeProcessed: (items: string[], scope: 'node') => store.removeProcessed(items, scope, context),
			},
		} as unknown as IExecuteFunctions;
	}
	async function execution(store: MemoryDeduplicator, at: number, identities: string[], settings: SentBeforeSettings) {
		const memory = sentMemoryOf(ctxOf(store), settings, identities.map((identity, itemIndex) => ({ itemIndex, identity })), at)!;
		const outcomes: string[] = [];
		for (let i = 0; i < identities.length; i++) outcomes.push((await memory.sentBefore(i)) ? 'skipped' : 'sent');
		await memory.settle(outcomes.flatMap((o, i) => (o === 'sent' ? [i] : [])));
		return outcomes;
	}

	test('capacity: with Remember 13 weeks, 14,300 SMS sent on one Monday make the first one forgotten the next day', async () => {
		const store = new MemoryDeduplicator();
		const settings = { weeks: 13, custom: false };
		expect(await execution(store, MONDAY, ['first'], settings)).toEqual(['sent']);
		for (let batch = 0; batch < 11; batch++) {
			await execution(store, MONDAY + 3_600_000, Array.from({ length: 1300 }, (_, i) => `other-${batch}-${i}`), settings);
		}
		expect(await execution(store, MONDAY + DAY, ['first'], settings)).toEqual(['skipped']);
	});

	test('week of a long run: a run started Sunday 23:50 UTC that sends at Monday 00:10 remembers less than 7 days', async () => {
		const store = new MemoryDeduplicator();
		const settings = { weeks: 1, custom: false };
		const start = MONDAY - 10 * 60_000; // Sunday 23:50
		const memory = sentMemoryOf(ctxOf(store), settings, [{ itemIndex: 0, identity: 'x' }], start)!;
		// the run reaches item 0 twenty minutes later (e.g. after 429 waits), and Cash-In carries it out at Monday 00:10
		expect(await memory.sentBefore(0)).toBe(false);
		await memory.settle([0]);
		const sentAt = MONDAY + 10 * 60_000;
		expect(await execution(store, sentAt + 7 * DAY - 5 * 60_000, ['x'], settings)).toEqual(['skipped']); // Monday 00:05, 6 days 23h55 after sending
	});
});

describe('more', () => {
	const createFromItems = {
		resource: 'creditor',
		operation: 'create',
		serviceType: 'LIFECYCLE',
		name: '={{ $json.name }}',
		businessId: '={{ $json.businessId }}',
		country: 'FI',
		contacts: { contact: [{ role: 'PRIMARY', name: 'Maija' }] },
	};
	test.each(MODES)('creditor create: uncertain + refused + concurrent runs + retry, mode %s', async (name, onError) => {
		const workflowId = newWf();
		const ids = Array.from({ length: 6 }, (_, i) => businessIdFor(810000 + name.length * 100 + i));
		const rows = ids.map((businessId, i) => ({ businessId, name: `Adv ${name} ${i} Oy` }));
		emulator().addFault({ endpoint: 'createCreditor', bodyContains: ids[1], times: 1, fault: { kind: 'drop', act: true } });
		emulator().addFault({ endpoint: 'createCreditor', bodyContains: ids[3], times: 1, fault: { kind: 'status', status: 400 } });
		emulator().addFault({ endpoint: 'createCreditor', fault: { kind: 'latency', ms: 10 } });
		const opts = { parameters: createFromItems, items: rows, workflowId, onError };
		await Promise.all([run(emulator(), opts), run(emulator(), { ...opts, retry: { maxTries: 3 } })]);
		emulator().faults.clear();
		await run(emulator(), opts);
		const posts = ids.map((id) => emulator().requestsTo('createCreditor').filter((r) => r.rawBody.includes(id)).map((r) => `${r.status ?? r.fault}${r.acted ? '*' : ''}`));
		console.log(name, JSON.stringify(posts));
		// once acted, never posted again
		for (const p of posts) {
			const firstActed = p.findIndex((s) => s.endsWith('*'));
			if (firstActed >= 0) expect(p.slice(firstActed + 1)).toEqual([]);
		}
	});

	test('identity: spellings of one SMS', async () => {
		const workflowId = newWf();
		const e = 'ä';
		const d = 'a\u0308';
		const rows = [
			{ phone: '+358401600001', text: `Hyv${e} p${e}iv${e}`, ref: 'M1-0' },
			{ phone: '358401600001', text: `Hyv${d} p${d}iv${d}`, ref: 'M1-0' },
			{ phone: '00358 40 160 0001', text: `Hyv${e}\u00a0p${e}iv${e}`, ref: 'M1-0' },
			{ phone: '+358 (0)40-160-0001', text: `Hyv${e}\r\n p${e}iv${e}\t`, ref: ' M1-0' },
			{ phone: '+3580401600001', text: `Hyv${e} p${e}iv${e}`, ref: 'M1-0\u3000' },
		];
		await run(emulator(), { parameters: sms(), items: [rows[0]], workflowId });
		const r = await run(emulator(), { parameters: sms(), items: rows.slice(1), workflowId });
		console.log(JSON.stringify(jsonOf(r).map((j) => j.alreadySent ?? j.error)));
		expect(emulator().state.sms.filter((s) => s.body.reference?.trim().startsWith('M1-0')).length).toBe(1);
	});

	test('custom key: object order, number vs string', async () => {
		const workflowId = newWf();
		const custom = sms({ sameItemWhen: 'custom', itemKey: '={{ $json.k }}' });
		const mk = (k: unknown, i: number) => ({ phone: `+35840170000${i}`, text: `T ${i}`, ref: `M2-${i}`, k });
		await run(emulator(), { parameters: custom, items: [mk({ caseId: 'C1', step: 1 }, 0)], workflowId });
		const r = await run(emulator(), { parameters: custom, items: [mk({ step: 1, caseId: 'C1' }, 1)], workflowId });
		console.log('objkey', JSON.stringify(jsonOf(r).map((j) => j.alreadySent ?? j.error)));
	});
});

describe('concurrent loss', () => {
	test('webhook twice; the first execution stops on a refusal: the second reports alreadySent for SMS nobody sent', async () => {
		const tag = 'L1';
		const workflowId = newWf();
		const rows = rowsOf(20, tag);
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-3"`, times: 1, fault: { kind: 'status', status: 400 } });
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'latency', ms: 30 } });
		const opts = { parameters: sms({ options: { parallelRequests: 2 } }), items: rows, workflowId };
		const a = run(emulator(), opts);
		await new Promise((r) => setTimeout(r, 10));
		const b = await run(emulator(), opts);
		const first = await a;
		const counts = acted(tag);
		const bOut = jsonOf(b);
		const claimedButUnsent = rows.filter((row, i) => bOut[i]?.alreadySent === true && !counts.get(JSON.stringify([row.phone, row.text, row.ref])));
		console.log('A error:', first.error?.message, '| B error:', b.error?.message, '| acted', counts.size, '| B says alreadySent but nobody sent:', claimedButUnsent.map((r) => r.ref).join(','));
		expect(claimedButUnsent).toEqual([]);
	});
});

describe('stress', () => {
	const cases: Array<[number, string, INode['onError']]> = [];
	for (const seed of [1, 2, 3]) for (const [name, mode] of MODES) cases.push([seed, name, mode]);
	test.each(cases)('seed %i mode %s: 3 concurrent executions over 300 rows, retries, random faults, then 2 clean runs', async (seed, name, onError) => {
		const tag = `S${seed}${name}`;
		const workflowId = newWf();
		const rows = rowsOf(300, tag);
		const dup = [...rows, ...rows.slice(0, 30)];
		emulator().faults.randomly({
			seed,
			rate: 0.08,
			faults: [
				{ kind: 'drop', act: true },
				{ kind: 'drop', act: false },
				{ kind: 'status', status: 400 },
				{ kind: 'status', status: 429, retryAfter: '0' },
				{ kind: 'malformed' },
				{ kind: 'status', status: 500 },
				{ kind: 'latency', ms: 15 },
			],
		});
		const opts = { parameters: sms({ options: { parallelRequests: 8 } }), items: dup, workflowId, onError };
		await Promise.all([run(emulator(), opts), run(emulator(), { ...opts, retry: { maxTries: 3 } }), run(emulator(), { ...opts, items: [...dup].reverse(), retry: { maxTries: 2 } })]);
		emulator().faults.clear();
		await run(emulator(), opts);
		await run(emulator(), { ...opts, retry: { maxTries: 2 } });
		const counts = acted(tag);
		console.log(tag, 'acted', counts.size, 'max', maxActed(tag));
		expect(maxActed(tag)).toBeLessThanOrEqual(1);
	});
});
