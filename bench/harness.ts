/**
 * `npm run bench`: throughput and memory of the node through n8n-core's engine, against baselines
 * measured in the same run (these machines are noisy, so only ratios mean something). Not a test.
 *
 *  1. SMS → Send and Creditor Credential → Get, 1,000 items, emulator latency 50 ms: the node at the
 *     default and the maximum parallelism, raw undici at the same parallelism, a serial undici loop, and
 *     the n8n floor: a bare node doing only `httpRequestWithAuthentication` per item at the same
 *     parallelism (what any node that follows n8n's rules pays).
 *  2. An API holding 10 requests at once (429 + Retry-After: 1 beyond): 1,000 SMS at the maximum parallelism.
 *  3. Seller Delivery → Get Many, Return All over 100,000 deliveries: wall time, peak and retained memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	// n8n-core wants a user folder; this one is the benchmark's own and goes with it.
	const folder = mkdtempSync(join(tmpdir(), 'cash-in-bench-'));
	process.env.N8N_USER_FOLDER = folder;
	process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_ENCRYPTION_KEY ??= 'cash-in-partner-bench';
process.env.N8N_LOG_LEVEL ??= 'silent';

import { ENDPOINTS, pathOf } from '../nodes/CashInPartner/contract/endpoints';
import { DEFAULT_PARALLEL_REQUESTS, MAX_PARALLEL_REQUESTS } from '../nodes/CashInPartner/actions/options';
import { BARE_HTTP_TYPE, BareHttp } from './bareHttpNode';
import { type RawRequest, rawRequests } from './rawHttp';
import { type EmulatorProcess, startEmulatorProcess } from '../testing/emulatorProcess';

const ITEMS = 1000;
const SERIAL_ITEMS = 100;
const LATENCY_MS = 50;
const LIMITER_IN_FLIGHT = 10;
const DELIVERIES = 100_000;

const itemsPerSecond = (count: number, ms: number) => (count / ms) * 1000;
const fmt = (n: number) => n.toFixed(1).padStart(8);

async function timeIt<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
	const started = performance.now();
	const result = await work();
	return { ms: performance.now() - started, result };
}

/** Raw undici at `parallel` (bench/rawHttp.ts), in items/s. */
const undiciRun = async (emulator: EmulatorProcess, count: number, parallel: number, request: (i: number) => RawRequest) =>
	itemsPerSecond(count, await rawRequests(emulator, count, parallel, request));

async function main() {
	// Loaded after the environment above is set: n8n-core reads it when it loads.
	const { nodeTypes, runNode } = await import('../testing/engine');
	nodeTypes.register(BARE_HTTP_TYPE, new BareHttp());
	const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS, recordRequests: false });
	const credential = { apiKey: emulator.partnerKey, environment: 'sandbox' as const, sandboxBaseUrl: emulator.baseUrl };
	const { creditorIds } = (await emulator.control('POST', '/seed', { creditors: ITEMS })) as { creditorIds: string[] };

	const operations = {
		'SMS → Send': {
			bare: { url: `${emulator.baseUrl}${pathOf(ENDPOINTS.sendSms)}`, method: 'POST', body: '={{ JSON.stringify({ recipient: "+358401234567", message: "Muistutus: lasku erääntyi", reference: $json.ref }) }}' },
			parameters: { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Muistutus: lasku erääntyi', additionalFields: { reference: '={{ $json.ref }}' } },
			items: (n: number) => Array.from({ length: n }, (_, i) => ({ ref: `B-${i}` })),
			raw: (i: number) => ({ method: 'POST' as const, path: pathOf(ENDPOINTS.sendSms), body: JSON.stringify({ recipient: '+358401234567', message: 'Muistutus: lasku erääntyi', reference: `B-${i}` }) }),
		},
		'Creditor Credential → Get': {
			bare: { url: `={{ "${emulator.baseUrl}/partner/creditors/" + $json.id + "/credentials" }}`, method: 'GET', body: '' },
			parameters: { resource: 'creditorCredential', operation: 'get', creditorId: '={{ $json.id }}' },
			items: (n: number) => Array.from({ length: n }, (_, i) => ({ id: creditorIds[i % creditorIds.length] })),
			raw: (i: number) => ({ method: 'GET' as const, path: pathOf(ENDPOINTS.getCreditorCredentials, { creditorId: creditorIds[i % creditorIds.length] }) }),
		},
	};

	const node = async (op: (typeof operations)[keyof typeof operations], count: number, parallel: number) => {
		const { ms, result } = await timeIt(() =>
			runNode({ parameters: { ...op.parameters, options: { parallelRequests: parallel } }, items: op.items(count), credential }),
		);
		if (result.error || result.outputs[0].length !== count) throw new Error(`node run failed: ${result.error?.message}`);
		return itemsPerSecond(count, ms);
	};

	const floor = async (op: (typeof operations)[keyof typeof operations], count: number, parallel: number) => {
		const { ms, result } = await timeIt(() => runNode({ type: BARE_HTTP_TYPE, parameters: { ...op.bare, parallel }, items: op.items(count), credential }));
		if (result.error || result.outputs[0].length !== count) throw new Error(`floor run failed: ${result.error?.message}`);
		return itemsPerSecond(count, ms);
	};

	const results: Record<string, unknown> = {};
	console.log(`\n1) ${ITEMS} items, emulator latency ${LATENCY_MS} ms (items/s; ratios are what count)\n`);
	console.log('operation                  parallel     node  n8n floor   undici   serial  node/floor  node/undici  node/serial');
	for (const [name, op] of Object.entries(operations)) {
		await node(op, 50, DEFAULT_PARALLEL_REQUESTS); // warm-up
		await floor(op, 50, DEFAULT_PARALLEL_REQUESTS);
		await undiciRun(emulator, 50, DEFAULT_PARALLEL_REQUESTS, op.raw);
		const serial = await undiciRun(emulator, SERIAL_ITEMS, 1, op.raw);
		for (const parallel of [DEFAULT_PARALLEL_REQUESTS, MAX_PARALLEL_REQUESTS]) {
			const nodeRate = await node(op, ITEMS, parallel);
			const floorRate = await floor(op, ITEMS, parallel);
			const undiciRate = await undiciRun(emulator, ITEMS, parallel, op.raw);
			const row = {
				parallel,
				node: nodeRate,
				floor: floorRate,
				undici: undiciRate,
				serial,
				nodeToFloor: nodeRate / floorRate,
				nodeToUndici: nodeRate / undiciRate,
				nodeToSerial: nodeRate / serial,
			};
			results[`${name} @${parallel}`] = row;
			console.log(
				`${name.padEnd(25)} ${String(parallel).padStart(8)} ${fmt(nodeRate)} ${fmt(floorRate).padStart(10)} ${fmt(undiciRate)} ${fmt(serial)} ${row.nodeToFloor.toFixed(2).padStart(10)}× ${row.nodeToUndici.toFixed(2).padStart(11)}× ${row.nodeToSerial.toFixed(2).padStart(10)}×`,
			);
		}
	}

	// What the node reaches with 10 in flight and no limiter: the practical ceiling through n8n's request path.
	const unthrottled = await node(operations['SMS → Send'], ITEMS, LIMITER_IN_FLIGHT);
	console.log(`\n2) API holding ${LIMITER_IN_FLIGHT} requests at once (429, Retry-After: 1 beyond), latency ${LATENCY_MS} ms: ${ITEMS} SMS at parallelism ${MAX_PARALLEL_REQUESTS}`);
	await emulator.control('DELETE', '/state');
	await emulator.control('POST', '/config', { maxInFlight: LIMITER_IN_FLIGHT, retryAfter: '1' });
	const ceiling = LIMITER_IN_FLIGHT / (LATENCY_MS / 1000);
	const { ms: limitedMs, result: limited } = await timeIt(() =>
		runNode({
			parameters: { ...operations['SMS → Send'].parameters, options: { parallelRequests: MAX_PARALLEL_REQUESTS } },
			items: Array.from({ length: ITEMS }, (_, i) => ({ ref: `L-${i}` })),
			credential,
		}),
	);
	const { sms } = (await emulator.control('GET', '/state')) as { sms: Array<{ reference: string }> };
	const references = sms.map((s) => s.reference).filter((r) => r?.startsWith('L-'));
	const limitedRate = itemsPerSecond(ITEMS, limitedMs);
	results.limiter = {
		sent: references.length,
		unique: new Set(references).size,
		itemsPerSecond: limitedRate,
		ceiling,
		ratio: limitedRate / ceiling,
		unthrottledAt10: unthrottled,
		ratioToUnthrottled: limitedRate / unthrottled,
		error: limited.error?.message ?? null,
	};
	console.log(`   sent ${references.length} (${new Set(references).size} distinct, each once: ${references.length === new Set(references).size && references.length === ITEMS})`);
	console.log(`   ${limitedRate.toFixed(1)} items/s = ${(limitedRate / ceiling).toFixed(2)}× the limiter's ceiling of ${ceiling} items/s`);
	console.log(`   the node at ${LIMITER_IN_FLIGHT} in flight with no limiter: ${unthrottled.toFixed(1)} items/s; limited/unthrottled = ${(limitedRate / unthrottled).toFixed(2)}× (the rest: learning the limit, the refused requests wait Retry-After)`);
	await emulator.control('POST', '/config', { maxInFlight: null, latencyMs: 0 });

	console.log(`\n3) Seller Delivery → Get Many, Return All over ${DELIVERIES.toLocaleString('en')} deliveries (emulator latency 0)`);
	await emulator.control('POST', '/seed', { deliveries: [{ sellerId: 'c_bench', count: DELIVERIES, perDay: Math.ceil(DELIVERIES / 25) }] });
	const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
	const retainedAfter = async (limit: number) => {
		gc();
		const before = process.memoryUsage().heapUsed;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
		const { ms, result } = await timeIt(() =>
			runNode({ parameters: { resource: 'delivery', operation: 'getAll', sellerId: 'c_bench', returnAll: limit >= DELIVERIES, limit }, credential }),
		);
		clearInterval(sampler);
		gc();
		const retained = process.memoryUsage().heapUsed - before;
		const count = result.outputs[0]?.length ?? 0;
		return { ms, count, peakMb: (peak - before) / 2 ** 20, retainedMb: retained / 2 ** 20, result };
	};
	const small = await retainedAfter(20_000);
	small.result = undefined as never;
	const full = await retainedAfter(DELIVERIES);
	const growthPer10k = ((full.retainedMb - small.retainedMb) / (full.count - small.count)) * 10_000;
	results.deliveries = { count: full.count, seconds: full.ms / 1000, peakMb: full.peakMb, retainedMb: full.retainedMb, growthPer10kMb: growthPer10k, rss: process.memoryUsage().rss / 2 ** 20 };
	console.log(`   ${full.count} items in ${(full.ms / 1000).toFixed(2)} s (${itemsPerSecond(full.count, full.ms).toFixed(0)} items/s)`);
	console.log(`   heap: peak +${full.peakMb.toFixed(0)} MB during the run, +${full.retainedMb.toFixed(0)} MB held by the output afterwards`);
	console.log(`   growth: ${growthPer10k.toFixed(1)} MB per 10,000 deliveries (slope between ${small.count} and ${full.count} items: the output items themselves)`);

	console.log(`\n${JSON.stringify(results)}`);
	await emulator.server.stop();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
