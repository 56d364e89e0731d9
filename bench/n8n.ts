/**
 * `npm run bench:n8n`: the node's speed where users run it — inside a real n8n 2.41.1 (the e2e tier's), with
 * n8n's expression runtime, credential handling and stored execution data — side by side with n8n's HTTP
 * Request node doing the same work with the same credential, in the same run. Not a test.
 *
 * Each configuration sends 1,000 SMS (Manual Trigger → 1,000 rows → Split Out → the measured node, continue
 * on fail on — one Cash-In configuration at n8n's default, Stop Workflow) to the Cash-In emulator in its own
 * process at 50 ms latency. Per configuration:
 *   - items/s: 1,000 / the measured node's own execution time (from the run data);
 *   - CPU ms per item of the n8n process: its user+system CPU time over the run (/proc), minus the same
 *     workflow with the measured node disabled, / 1,000;
 *   - expressions evaluated per item: counted inside n8n by a preload that wraps n8n-workflow's
 *     `Expression.resolveSimpleParameterValue` (every `={{ … }}` n8n evaluates goes through it).
 * Rounds alternate the configurations, and the median round is kept. The last line is one JSON object.
 * BENCH_ROUNDS=n sets the rounds (3); BENCH_CPU_PROF=1 also writes V8 CPU profiles of n8n.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_PARALLEL_REQUESTS, MAX_PARALLEL_REQUESTS } from '../nodes/CashInPartner/actions/options';
import { ENDPOINTS } from '../nodes/CashInPartner/contract/endpoints';
import { EMULATOR_CREDENTIAL } from '../testing/n8n';
import { delay } from '../testing/checks';
import { startEmulatorProcess } from '../testing/emulatorProcess';
import { importCredentials, importWorkflows, type N8nInstance, prepareN8n, restSession, runViaRest, setUpOwner, startN8nServer, stopN8nServer } from '../testing/n8n';
import { processCpuMs } from '../testing/processes';
import { rowsWorkflow } from './rowsWorkflow';
import { projectPath } from '../testing/paths';

const ITEMS = 1000;
const LATENCY_MS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Config {
	id: string;
	label: string;
	node: Record<string, unknown>;
}

const credentials = { cashInPartnerApi: EMULATOR_CREDENTIAL };

/** Every run sends new messages (the execution's ID in the text), so Skip Items Sent Before skips none. */
const MESSAGE = '={{ $json.message }} {{ $execution.id }}';

function cashIn(parallel?: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		type: 'n8n-nodes-cash-in-partner.cashInPartner',
		typeVersion: 1,
		parameters: {
			resource: 'sms',
			operation: 'send',
			recipient: '={{ $json.phone }}',
			message: MESSAGE,
			options: parallel === undefined ? {} : { parallelRequests: parallel },
			...extra,
		},
		credentials,
	};
}

function httpRequest(baseUrl: string, batchSize?: number): Record<string, unknown> {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: baseUrl + ENDPOINTS.sendSms.template,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'cashInPartnerApi',
			sendBody: true,
			bodyParameters: {
				parameters: [
					{ name: 'recipient', value: '={{ $json.phone }}' },
					{ name: 'message', value: MESSAGE },
				],
			},
			options: batchSize === undefined ? {} : { batching: { batch: { batchSize, batchInterval: 0 } } },
		},
		credentials,
	};
}

function configs(baseUrl: string): Config[] {
	const list: Config[] = [
		{ id: 'BenchCashInDefault', label: `Cash-In Partner, default (${DEFAULT_PARALLEL_REQUESTS} in parallel)`, node: cashIn() },
		// n8n's default On Error. The node checks every item before the first is sent in every mode; this
		// row shows what that costs where it matters most (the run can stop), next to Continue's.
		{ id: 'BenchCashInStop', label: `Cash-In Partner, default, On Error → Stop Workflow`, node: { ...cashIn(), onError: 'stopWorkflow' } },
		// What remembering costs: the default (Skip Items Sent Before on) against the same node with it off.
		{ id: 'BenchCashInNoMemory', label: 'Cash-In Partner, default, Skip Items Sent Before off', node: cashIn(undefined, { skipSentBefore: false }) },
		...[8, 16, MAX_PARALLEL_REQUESTS]
			.filter((parallel) => parallel !== DEFAULT_PARALLEL_REQUESTS)
			.map((parallel) => ({ id: `BenchCashIn${parallel}`, label: `Cash-In Partner, ${parallel} in parallel`, node: cashIn(parallel) })),
		{ id: 'BenchHttpAllAtOnce', label: 'HTTP Request node, all items at once', node: httpRequest(baseUrl) },
		{ id: 'BenchHttpBatch8', label: 'HTTP Request node, batch size 8, interval 0', node: httpRequest(baseUrl, 8) },
	];
	return list;
}

const MEASURED = 'Measured';

function workflow(id: string, node: Record<string, unknown>, disabled = false) {
	const rows = Array.from({ length: ITEMS }, (_, i) => ({ phone: `+35840${String(1000000 + i)}`, message: `Hei, laskunne ${2026_0000 + i} on erääntynyt. Maksathan sen pian.` }));
	return rowsWorkflow(id, rows, { name: MEASURED, onError: 'continueRegularOutput', disabled, ...node });
}

/** Counts the expressions n8n evaluates, from inside the n8n process, into a file the bench reads. */
const COUNTER_PRELOAD = `
const fs = require('fs');
const path = require('path');
const file = process.env.CASHIN_BENCH_COUNTER_FILE;
const n8nDir = path.join(process.env.CASHIN_BENCH_N8N_DIR, 'node_modules', 'n8n');
const { Expression } = require(require.resolve('n8n-workflow', { paths: [n8nDir] }));
const original = Expression.prototype.resolveSimpleParameterValue;
let count = 0;
Expression.prototype.resolveSimpleParameterValue = function (value, ...rest) {
	if (typeof value === 'string' && value.charAt(0) === '=') count++;
	return original.call(this, value, ...rest);
};
// One file per process and thread: the task runner and n8n's worker threads load this preload too.
// Written aside and renamed, so a reader never sees a half-written number.
const own = file + "." + process.pid + "." + require('worker_threads').threadId;
setInterval(() => { fs.writeFileSync(own + ".tmp", String(count)); fs.renameSync(own + ".tmp", own); }, 200).unref();
`;

interface Sample {
	itemsPerSecond: number;
	cpuMsPerItem: number;
	expressionsPerItem: number;
	sent: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS, recordRequests: false });
	const counterFile = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cash-in-bench-n8n-')), 'expressions');
	const preload = `${counterFile}.preload.js`;
	fs.writeFileSync(preload, COUNTER_PRELOAD);
	let n8n: N8nInstance | undefined;
	let server: ChildProcess | undefined;
	try {
		n8n = await prepareN8n({ env: { CASHIN_BENCH_COUNTER_FILE: counterFile, CASHIN_BENCH_N8N_DIR: '' } });
		n8n.env.CASHIN_BENCH_N8N_DIR = n8n.runtime.dir;
		n8n.env.NODE_OPTIONS = `--require ${preload}`;
		// BENCH_CPU_PROF=1: V8 CPU profiles of n8n's processes into .bench-artifacts/ (open in Chrome DevTools).
		const profiles = projectPath('.bench-artifacts');
		if (process.env.BENCH_CPU_PROF === '1') {
			fs.mkdirSync(profiles, { recursive: true });
			n8n.env.NODE_OPTIONS += ` --cpu-prof --cpu-prof-dir=${profiles}`;
		}
		const list = configs(emulator.baseUrl);
		await importCredentials(n8n, [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }]);
		await importWorkflows(n8n, [...list.map((c) => workflow(c.id, c.node)), ...list.map((c) => workflow(`${c.id}Off`, c.node, true))]);
		server = await startN8nServer(n8n);
		await setUpOwner(n8n);
		const rest = await restSession(n8n);
		const pid = server.pid!;
		const sentSoFar = async () => (await emulator.control<{ sms: unknown[] }>('GET', '/state')).sms.length;
		const expressions = async () => {
			await delay(450);
			const dir = path.dirname(counterFile);
			const mine = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(counterFile)}.${pid}.`) && !f.endsWith('.tmp'));
			return mine.reduce((sum, f) => sum + Number(fs.readFileSync(path.join(dir, f), 'utf8')), 0);
		};

		async function measure(id: string) {
			const [cpuBefore, exprBefore, sentBefore] = [processCpuMs(pid), await expressions(), await sentSoFar()];
			const { status, run } = await runViaRest(n8n!, rest, id, { triggerToStartFrom: { name: 'Start' } }, 300_000);
			if (status !== 'success') throw new Error(`${id}: ${status}`);
			const [cpuAfter, exprAfter, sentAfter] = [processCpuMs(pid), await expressions(), await sentSoFar()];
			return { cpu: cpuAfter - cpuBefore, expressions: exprAfter - exprBefore, sent: sentAfter - sentBefore, run };
		}

		console.log(`n8n ${n8n.runtime.version}: ${ITEMS} SMS per run, emulator latency ${LATENCY_MS} ms, ${ROUNDS} rounds (median kept)\n`);
		await measure(`${list[0].id}`); // warm-up: n8n's first run loads and compiles
		const samples = new Map<string, Sample[]>(list.map((c) => [c.id, []]));
		for (let round = 1; round <= ROUNDS; round++) {
			for (const config of list) {
				const off = await measure(`${config.id}Off`);
				const on = await measure(config.id);
				if (process.env.BENCH_DEBUG) console.log(config.id, { on: { cpu: on.cpu, expressions: on.expressions }, off: { cpu: off.cpu, expressions: off.expressions } });
				const task = on.run.data.resultData.runData[MEASURED]?.[0] as { executionTime?: number } | undefined;
				samples.get(config.id)!.push({
					itemsPerSecond: (ITEMS / (task?.executionTime ?? Number.NaN)) * 1000,
					cpuMsPerItem: Math.max(0, on.cpu - off.cpu) / ITEMS,
					expressionsPerItem: (on.expressions - off.expressions) / ITEMS,
					sent: on.sent,
				});
			}
			process.stdout.write(`  round ${round}/${ROUNDS} done\n`);
		}

		const summary = list.map((config) => {
			const s = samples.get(config.id)!;
			return {
				id: config.id,
				label: config.label,
				itemsPerSecond: median(s.map((x) => x.itemsPerSecond)),
				cpuMsPerItem: median(s.map((x) => x.cpuMsPerItem)),
				expressionsPerItem: median(s.map((x) => x.expressionsPerItem)),
				sentPerRun: Math.min(...s.map((x) => x.sent)),
			};
		});
		const http = summary.find((s) => s.id === 'BenchHttpAllAtOnce')!;
		console.log(`\n| node | items/s | n8n CPU ms/item | expressions/item | SMS sent/run | items/s vs HTTP Request | CPU vs HTTP Request |`);
		console.log(`|---|---|---|---|---|---|---|`);
		for (const s of summary) {
			console.log(`| ${s.label} | ${s.itemsPerSecond.toFixed(0)} | ${s.cpuMsPerItem.toFixed(2)} | ${s.expressionsPerItem.toFixed(1)} | ${s.sentPerRun} | ${(s.itemsPerSecond / http.itemsPerSecond).toFixed(2)}× | ${(s.cpuMsPerItem / http.cpuMsPerItem).toFixed(2)}× |`);
		}
		const byId = Object.fromEntries(summary.map((s) => [s.id, { itemsPerSecond: +s.itemsPerSecond.toFixed(1), cpuMsPerItem: +s.cpuMsPerItem.toFixed(3), expressionsPerItem: +s.expressionsPerItem.toFixed(2), sentPerRun: s.sentPerRun }]));
		const node = summary[0];
		console.log(
			JSON.stringify({
				n8n: n8n.runtime.version,
				items: ITEMS,
				latencyMs: LATENCY_MS,
				rounds: ROUNDS,
				defaultParallelRequests: DEFAULT_PARALLEL_REQUESTS,
				results: byId,
				nodeDefaultVsHttpRequest: { itemsPerSecond: +(node.itemsPerSecond / http.itemsPerSecond).toFixed(2), cpuPerItem: +(node.cpuMsPerItem / http.cpuMsPerItem).toFixed(2) },
				skipSentBeforeOnVsOff: { itemsPerSecond: +(node.itemsPerSecond / summary.find((s) => s.id === 'BenchCashInNoMemory')!.itemsPerSecond).toFixed(3) },
			}),
		);
	} finally {
		// A profiled n8n writes its profile only when it exits by itself: give it time to.
		if (server) await stopN8nServer(server, process.env.BENCH_CPU_PROF === '1' ? 120_000 : 10_000);
		await emulator.server.stop();
		if (n8n) fs.rmSync(n8n.home, { recursive: true, force: true });
		fs.rmSync(path.dirname(counterFile), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
