/**
 * `npm run bench:portfolio`: watching a whole portfolio inside a real n8n 2.41.1 — both ways a partner
 * can build it — at 100, 300 and 1,000 sellers × 200 deliveries. Not a test.
 *
 * The emulator runs in its own process at 100 ms per request and holds 10 requests at once for the partner
 * (429 + Retry-After: 1 beyond), so the reads' ceiling is 10 / 0.1 s = 100 requests/s. Each size and event
 * runs twice: with every answer taking exactly 100 ms ("fixed"), and with each drawn evenly from 80–120 ms
 * ("spread", the same mean and ceiling) — a real API's answers vary, and a fixed delay returns requests sent
 * together in bunches. Per size, event and latency:
 *   - Get Changes (Manual Trigger → N sellers → Split Out → Seller Delivery → Get Changes), run by
 *     `n8n execute` (a production-like run: n8n saves the static data after it): the first run (records
 *     where each seller stands) and the second (after 5 deliveries failed);
 *   - the trigger (every minute, the N sellers in its list), published in `n8n start`: its activation poll
 *     and the next scheduled one;
 * and for each: seconds, requests, the reads' throughput against the ceiling (requests / the time from the
 * first request to the last answer, as the emulator logged them), and the bytes the workflow keeps between
 * runs, read from n8n's database (`n8n export:workflow`). The last line is one JSON object.
 *
 * What bounds a run, in its JSON (Get Changes runs): `heldOfLimit`, how full the API's limit was on average
 * (each answered read's time at the emulator, summed, / the window / the limit); `answerMs`, a read's mean
 * time at the emulator; and the CPU cores in use over the reads' window (of the machine's), for the whole
 * machine and for the emulator — sampled from /proc every 100 ms.
 * The baseline, measured in the same run before each size and latency: the same reads without n8n — raw
 * undici, as many at once as the limit holds, over kept-alive connections — i.e. what the API's limit allows
 * a client that adds nothing; "vs raw" in the table is Get Changes' reads per second over the baseline's.
 * Beside it, the same raw reads with a new connection for each request, as n8n makes them.
 * BENCH_SIZES=100,1000, BENCH_EVENTS=deliveryStatusChanged and BENCH_LATENCY=spread choose what runs; BENCH_TRIGGER=0
 * leaves the trigger out; BENCH_LOG_DIR=dir writes each
 * Get Changes run's reads there (arrived, answered, status), for a timeline of what the API held.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import type { RecordedRequest } from '../emulator/server';
import { DELIVERIES_MAX_PAGE_SIZE, DELIVERY_QUERY, ENDPOINTS, FAILED_DELIVERY_STATUS, pathOf } from '../nodes/CashInPartner/contract/endpoints';
import { delay } from '../testing/checks';
import { type EmulatorProcess, startEmulatorProcess } from '../testing/emulatorProcess';
import {
	EMULATOR_CREDENTIAL,
	executeWorkflow,
	exportWorkflow,
	importCredentials,
	importWorkflows,
	type N8nInstance,
	prepareN8n,
	publishWorkflow,
	unpublishWorkflow,
	startN8nServer,
	stopN8nServer,
} from '../testing/n8n';
import { processCpuMs, stopAll } from '../testing/processes';
import { rawRequests } from './rawHttp';

const SIZES = (process.env.BENCH_SIZES ?? '100,300,1000').split(',').map(Number);
const DELIVERIES_PER_SELLER = 200;
const LATENCY_MS = 100;
/** How far each answer's delay may stray from LATENCY_MS, evenly either way, per latency mode. */
const SPREADS = { fixed: 0, spread: 20 } as const;
type LatencyMode = keyof typeof SPREADS;
const LATENCY_MODES = (process.env.BENCH_LATENCY ?? 'fixed,spread').split(',') as LatencyMode[];
const WITH_TRIGGER = process.env.BENCH_TRIGGER !== '0';
const LIMIT = 10;
const CEILING = LIMIT / (LATENCY_MS / 1000);
const ALL_EVENTS = ['deliveryFailed', 'deliveryStatusChanged'] as const;
const EVENTS = ALL_EVENTS.filter((event) => (process.env.BENCH_EVENTS ?? ALL_EVENTS.join(',')).split(',').includes(event));
const credentials = { cashInPartnerApi: EMULATOR_CREDENTIAL };

type Event = (typeof ALL_EVENTS)[number];

interface Measurement {
	seconds: number;
	requests: number;
	refused: number;
	/** Reads per second / the limit's ceiling. */
	ofCeiling: number;
	events: number;
	/** How full the limit was: answered reads' time at the emulator / the window / the limit. */
	heldOfLimit: number;
	/** A read's mean time at the emulator (the latency is 100 ms). */
	answerMs: number;
	/** CPU cores in use over the reads' window: the machine's (of `machineCores`), and the emulator's. */
	cores?: { machine: number; emulator: number; machineCores: number };
}

interface CpuSample {
	at: number;
	machineMs: number;
	emulatorMs: number;
}

/** The machine's busy CPU time (all cores, ms) from /proc/stat: everything but idle and iowait. */
function machineBusyMs(): number {
	const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
	const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
	return (total - ticks[3] - ticks[4]) * 10;
}

/** Samples the machine's and the emulator's CPU every 100 ms until stopped. */
function sampleCpu(emulatorMs: () => number) {
	const samples: CpuSample[] = [];
	const take = () => samples.push({ at: Date.now(), machineMs: machineBusyMs(), emulatorMs: emulatorMs() });
	take();
	const timer = setInterval(take, 100);
	return {
		stop(from: number, to: number) {
			clearInterval(timer);
			take();
			const inside = samples.filter((sample) => sample.at >= from && sample.at <= to);
			if (inside.length < 2) return undefined;
			const [a, b] = [inside[0], inside[inside.length - 1]];
			const ms = b.at - a.at;
			return { machine: +((b.machineMs - a.machineMs) / ms).toFixed(2), emulator: +((b.emulatorMs - a.emulatorMs) / ms).toFixed(2), machineCores: os.cpus().length };
		},
	};
}

const sellerIds = (count: number) => Array.from({ length: count }, (_, i) => `c_pf${String(i).padStart(4, '0')}`);

function getChangesWorkflow(id: string, sellers: string[], event: Event) {
	return {
		id,
		name: id,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-2`, name: 'Sellers', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: sellers.map((sellerId) => ({ sellerId })) }), options: {} } },
			{ id: `${id}-3`, name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{
				id: `${id}-4`,
				name: 'Get Changes',
				type: 'n8n-nodes-cash-in-partner.cashInPartner',
				typeVersion: 1,
				position: [600, 0],
				parameters: { resource: 'delivery', operation: 'getChanges', sellerId: '={{ $json.sellerId }}', event },
				credentials,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Sellers', type: 'main', index: 0 }]] },
			Sellers: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Get Changes', type: 'main', index: 0 }]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

function triggerWorkflow(id: string, sellers: string[], event: Event) {
	return {
		id,
		name: id,
		nodes: [
			{
				id: `${id}-1`,
				name: 'Trigger',
				type: 'n8n-nodes-cash-in-partner.cashInPartnerTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event, sellerIds: sellers.join('\n') },
				credentials,
			},
			{ id: `${id}-2`, name: 'Events', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { Trigger: { main: [[{ node: 'Events', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

function measure(log: RecordedRequest[], events: number): Measurement {
	const reads = log.filter((r) => r.endpoint === 'getSellerDeliveries');
	const first = Math.min(...reads.map((r) => r.receivedAt));
	const last = Math.max(...reads.map((r) => r.answeredAt ?? r.receivedAt));
	const seconds = (last - first) / 1000;
	const answered = reads.filter((r) => r.status === 200);
	const heldMs = answered.reduce((sum, r) => sum + ((r.answeredAt ?? r.receivedAt) - r.receivedAt), 0);
	return {
		seconds: +seconds.toFixed(2),
		requests: reads.length,
		refused: reads.filter((r) => r.status === 429).length,
		ofCeiling: +(answered.length / seconds / CEILING).toFixed(2),
		events,
		heldOfLimit: +(heldMs / (last - first) / LIMIT).toFixed(2),
		answerMs: Math.round(heldMs / Math.max(1, answered.length)),
	};
}

/** The baseline: every seller's reads, `LIMIT` at once, by raw undici over kept-alive connections. */
async function rawReads(emulator: EmulatorProcess, sellers: string[], event: Event, log: () => Promise<RecordedRequest[]>, newConnectionEach = false): Promise<Measurement> {
	const query = new URLSearchParams({ [DELIVERY_QUERY.page]: '1', [DELIVERY_QUERY.pageSize]: String(Math.min(DELIVERIES_PER_SELLER, DELIVERIES_MAX_PAGE_SIZE)) });
	if (event === 'deliveryFailed') query.set(DELIVERY_QUERY.status, FAILED_DELIVERY_STATUS);
	await emulator.control('DELETE', '/requests');
	await rawRequests(emulator, sellers.length, LIMIT, (i) => ({ method: 'GET', path: `${pathOf(ENDPOINTS.getSellerDeliveries, { sellerId: sellers[i] })}?${query}` }), { newConnectionEach });
	return measure(await log(), 0);
}

/** The static data n8n stored for a workflow, as n8n's own export shows it: its size in bytes. */
async function storedBytes(n8n: N8nInstance, workflowId: string): Promise<number> {
	const { staticData } = await exportWorkflow(n8n, workflowId);
	return staticData ? Buffer.byteLength(JSON.stringify(staticData)) : 0;
}

async function main() {
	const emulator = await startEmulatorProcess({ recordRequests: true });
	const n8n = await prepareN8n();
	const requests = async () => await emulator.control<RecordedRequest[]>('GET', '/requests');
	const clearLog = async () => await emulator.control('DELETE', '/requests');
	const all = sellerIds(Math.max(...SIZES));
	await emulator.control('POST', '/seed', { deliveries: all.map((sellerId) => ({ sellerId, count: DELIVERIES_PER_SELLER })) });
	await importCredentials(n8n, [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }]);
	await emulator.control('POST', '/config', { latencyMs: LATENCY_MS, maxInFlight: LIMIT });
	let changed = 0;
	/** Five deliveries fail, on five sellers of the first `count`. */
	const failFive = async (count: number) => {
		const sellers = sellerIds(count);
		for (let i = 0; i < 5; i++) {
			const sellerId = sellers[Math.floor(((i + 0.5) * count) / 5)];
			const deliveries = await emulator.control<Array<{ invoiceNumber: string; status: string }>>('GET', `/deliveries?sellerId=${sellerId}`);
			const invoice = deliveries.filter((d) => d.status === 'DELIVERED')[changed++ % 50].invoiceNumber;
			await emulator.control('POST', '/deliveries/status', { sellerId, invoiceNumber: invoice, status: 'FAILED', statusMessage: 'Mailbox unavailable' });
		}
	};
	const rows: Array<Record<string, unknown>> = [];
	try {
		for (const event of EVENTS) {
			for (const size of SIZES) for (const latency of LATENCY_MODES) {
				const sellers = sellerIds(size);
				await emulator.control('POST', '/config', { latencySpreadMs: SPREADS[latency] });
				const raw = await rawReads(emulator, sellers, event, requests);
				const rawNewConnection = await rawReads(emulator, sellers, event, requests, true);
				const tag = `${event === 'deliveryFailed' ? 'F' : 'C'}${size}${latency === 'spread' ? 'S' : ''}`;
				// Get Changes, run as production runs are.
				const actionId = `BenchPortfolio${tag}`;
				await importWorkflows(n8n, [getChangesWorkflow(actionId, sellers, event)]);
				const runOnce = async () => {
					await clearLog();
					const cpu = sampleCpu(() => processCpuMs(emulator.server.child.pid!));
					const result = await executeWorkflow(n8n, actionId);
					if (result.status !== 0) throw new Error(`Get Changes run failed: ${result.run?.data.resultData.error?.message ?? result.stderr.slice(-500)}`);
					const out = result.run?.data.resultData.runData['Get Changes']?.[0]?.data?.main[0] ?? [];
					const log = await requests();
					const measured = measure(log, out.length);
					const reads = log.filter((r) => r.endpoint === 'getSellerDeliveries');
					if (process.env.BENCH_LOG_DIR) fs.writeFileSync(`${process.env.BENCH_LOG_DIR}/${actionId}-${Date.now()}.json`, JSON.stringify(reads.map((r) => [r.receivedAt, r.answeredAt, r.status])));
					measured.cores = cpu.stop(Math.min(...reads.map((r) => r.receivedAt)), Math.max(...reads.map((r) => r.answeredAt ?? r.receivedAt)));
					return measured;
				};
				const firstRun = await runOnce();
				await failFive(size);
				const secondRun = await runOnce();
				const actionBytes = await storedBytes(n8n, actionId);

				// The trigger: its activation poll, and the next scheduled one.
				let activation: Measurement | undefined;
				let scheduled: Measurement | undefined;
				let triggerBytes: number | undefined;
				if (WITH_TRIGGER) {
				const triggerId = `BenchTrigger${tag}`;
				await importWorkflows(n8n, [triggerWorkflow(triggerId, sellers, event)]);
				await publishWorkflow(n8n, triggerId);
				await clearLog();
				const server = await startN8nServer(n8n);
				try {
					const readsOf = async () => (await requests()).filter((r) => r.endpoint === 'getSellerDeliveries' && r.status === 200);
					const waitForReads = async (count: number, ms: number) => {
						const deadline = Date.now() + ms;
						while ((await readsOf()).length < count) {
							if (Date.now() > deadline) throw new Error(`the trigger's poll did not read ${count} sellers within ${ms / 1000} s`);
							await delay(1000);
						}
					};
					await waitForReads(size, 180_000);
					activation = measure(await requests(), 0);
					await failFive(size);
					await clearLog();
					await waitForReads(size, 180_000);
					scheduled = measure(await requests(), 5);
				} finally {
					await stopN8nServer(server);
				}
				// Unpublished again, so later sizes' servers do not poll it too.
				await unpublishWorkflow(n8n, triggerId);
				triggerBytes = await storedBytes(n8n, triggerId);
				}

				const row = {
					event,
					sellers: size,
					latency,
					latencyMs: SPREADS[latency] ? `${LATENCY_MS} ± ${SPREADS[latency]}` : LATENCY_MS,
					deliveries: size * DELIVERIES_PER_SELLER,
					rawBaseline: raw,
					rawNewConnection,
					getChangesFirstRun: firstRun,
					getChangesNextRun: secondRun,
					getChangesBytesKept: actionBytes,
					triggerActivationPoll: activation,
					triggerNextPoll: scheduled,
					triggerBytesKept: triggerBytes,
				};
				rows.push(row);
				console.log(JSON.stringify(row));
			}
		}
	} finally {
		await stopAll();
		fs.rmSync(n8n.home, { recursive: true, force: true });
	}

	console.log('\n| Event | Sellers | Latency ms | raw reads vs ceiling | raw, new connection each | Get Changes: first run s | next run s | reads vs ceiling | vs raw | bytes kept | Trigger: activation poll s | next poll s | reads vs ceiling | vs raw | bytes kept |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	const vsRaw = (of: Measurement | undefined, raw: Measurement) => (of ? `${+(of.ofCeiling / raw.ofCeiling).toFixed(2)}×` : '–');
	const cell = (value: number | string | undefined, suffix = '') => (value === undefined ? '–' : `${value}${suffix}`);
	type Row = { event: string; sellers: number; latencyMs: number | string; rawBaseline: Measurement; rawNewConnection: Measurement; getChangesFirstRun: Measurement; getChangesNextRun: Measurement; getChangesBytesKept: number; triggerActivationPoll?: Measurement; triggerNextPoll?: Measurement; triggerBytesKept?: number };
	for (const row of rows as Row[]) {
		console.log(
			`| ${row.event} | ${row.sellers} | ${row.latencyMs} | ${row.rawBaseline.ofCeiling}× | ${row.rawNewConnection.ofCeiling}× | ${row.getChangesFirstRun.seconds} | ${row.getChangesNextRun.seconds} | ${row.getChangesNextRun.ofCeiling}× | ${vsRaw(row.getChangesNextRun, row.rawBaseline)} | ${row.getChangesBytesKept} | ${cell(row.triggerActivationPoll?.seconds)} | ${cell(row.triggerNextPoll?.seconds)} | ${cell(row.triggerNextPoll?.ofCeiling, '×')} | ${vsRaw(row.triggerNextPoll, row.rawBaseline)} | ${cell(row.triggerBytesKept)} |`,
		);
	}
	const growth = (event: Event, pick: (row: (typeof rows)[number]) => number) => {
		const of = rows.filter((row) => row.event === event && row.latency === LATENCY_MODES[0]);
		const small = of.find((row) => row.sellers === Math.min(...SIZES));
		const large = of.find((row) => row.sellers === Math.max(...SIZES));
		return small && large ? +(pick(large) / pick(small)).toFixed(2) : null;
	};
	const summary = {
		ceilingRequestsPerSecond: CEILING,
		latencyMs: LATENCY_MS,
		latencySpreadMs: Object.fromEntries(LATENCY_MODES.map((mode) => [mode, SPREADS[mode]])),
		limit: LIMIT,
		sizes: SIZES,
		timeGrowth: Object.fromEntries(EVENTS.map((event) => [event, growth(event, (row) => (row.getChangesNextRun as Measurement).seconds)])),
		bytesPerSellerAtLargest: Object.fromEntries(EVENTS.map((event) => [event, rows.filter((row) => row.event === event).map((row) => +((row.getChangesBytesKept as number) / (row.sellers as number)).toFixed(1)).at(-1)])),
		rows,
	};
	console.log(JSON.stringify(summary));
}

main().catch(async (error) => {
	console.error(error);
	await stopAll();
	process.exit(1);
});
