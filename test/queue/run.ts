/**
 * `npm run test:queue`: the packed package in n8n 2.41.1 queue mode — a main instance and two `n8n worker`
 * processes sharing a real PostgreSQL and a real Redis — against the Cash-In emulator in its own process.
 * Every server is started here on a loopback port and stopped here (also on failure and Ctrl-C).
 *
 * What each case asserts comes from two places that do not depend on the node's own output: the emulator's
 * log (what the API received and carried out) and n8n's execution records in PostgreSQL; which worker ran
 * an execution comes from the line each worker logs when it takes a job.
 *   1. spread:        20 webhook-started executions × 50 SMS run on both workers, each SMS sent once;
 *   2. shared limit:  the same with the API holding 10 requests at once for the whole partner;
 *   3. worker dies:   SIGKILL to one worker in the middle of a run, what n8n does with its executions;
 *   4. trigger:       the trigger polls on main, a worker runs each event once, also across a main restart;
 *   5. scaling:       a CPU-bound bulk with 1 worker, then with 2;
 *   6. portfolio:     a Schedule Trigger + Get Changes workflow run by workers: n8n 2.41.1 gives workers
 *                     no static data, so its runs after the first stop with a clear message.
 * The last line is one JSON object with the measured numbers. QUEUE_CASES=2,5 runs only those cases;
 * QUEUE_DUMP=<file> writes case 2's request log and execution records there, for a closer look.
 */
import { strict as assert } from 'node:assert';

import { SMS_FIELDS } from '../../nodes/CashInPartner/contract/fields';
import { memoryKey } from '../../nodes/CashInPartner/monitoring/memory';
import type { RecordedRequest } from '../../emulator/server';
import {
	BULK_SMS_WEBHOOK_PATH,
	BULK_SMS_WORKFLOW_ID,
	bulkSmsWorkflow,
	FAILED_DELIVERY_WORKFLOW_ID,
	failedDeliveryWorkflow,
	RETRY_SMS_WEBHOOK_PATH,
	RETRY_SMS_WORKFLOW_ID,
	retrySmsWorkflow,
	smsRows,
	TRIGGER_NODE,
} from './workflows';
import { portfolioWorkflow } from '../e2e/workflows';
import { createChecks, waitFor as waitForProbe } from '../../testing/checks';
import { EMULATOR_CREDENTIAL, parseFlatted, restSession } from '../../testing/n8n';
import { type EmulatorProcess, startEmulatorProcess } from '../../testing/emulatorProcess';
import { groupCpuMs, interrupted, stopAll } from '../../testing/processes';
import { executionsRunBy, type QueueCluster, type QueueProcess, startQueueCluster } from '../../testing/queueCluster';

const BATCHES = 20;
const PER_BATCH = 50;
const SHARED_LIMIT = 10;
const SELLER = 'S-QUEUE-1';
/** Case 6: a small portfolio (its reads share the emulator with cases 1–2, so it stays light). */
const PORTFOLIO_WORKFLOW_ID = 'QueuePortfolio001';
const PORTFOLIO_NODE = 'Failed since last run';
const PORTFOLIO = Array.from({ length: 20 }, (_, i) => `S-PORT-${String(i).padStart(2, '0')}`);
const checks = createChecks();
const { failed, summary } = checks;
/** QUEUE_CASES=2,5 runs only those cases (while working on one); CI runs all. */
const only = process.env.QUEUE_CASES?.split(',').map((c) => c.trim());
const check = (name: string, body: () => Promise<void>) =>
	(only && !only.includes(name.split('.')[0])) || interrupted() ? Promise.resolve() : checks.check(name, body);
const report: Record<string, unknown> = {};

// ---------------------------------------------------------------------------------------------------
// The emulator, in its own process (n8n's workers hammer it; this process must stay responsive).

let emulator: EmulatorProcess;
const control = <T = unknown>(method: string, what: string, body?: unknown) => emulator.control<T>(method, what, body);
const configure = (config: { latencyMs?: number; maxInFlight?: number | null; retryAfter?: string }) => control('POST', '/config', config);
const requests = () => control<RecordedRequest[]>('GET', '/requests');
const resetLog = () => control('DELETE', '/state');

// ---------------------------------------------------------------------------------------------------
// n8n's execution records.

interface ExecutionRow {
	id: string;
	status: string;
	mode: string;
	startedAt: Date | null;
	stoppedAt: Date | null;
}

let cluster: QueueCluster;
const executionsOf = (workflowId: string, afterId: number) =>
	cluster.sql<ExecutionRow>(`select id::text as id, status, mode, "startedAt", "stoppedAt" from execution_entity where "workflowId" = $1 and id > $2 order by id`, [workflowId, afterId]);
const lastExecutionId = async () => Number((await cluster.sql<{ max: string | null }>('select max(id)::text as max from execution_entity'))[0].max ?? 0);

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function waitForExecutions(workflowId: string, afterId: number, count: number, timeoutMs: number): Promise<ExecutionRow[]> {
	let last: ExecutionRow[] = [];
	try {
		return await waitFor(`${count} finished executions`, timeoutMs, async () => {
			last = await executionsOf(workflowId, afterId);
			return last.length >= count && last.every((row) => FINISHED.has(row.status)) ? last : undefined;
		});
	} catch (error) {
		throw new Error(`${(error as Error).message}; statuses now: ${JSON.stringify(Object.fromEntries(countBy(last.map((row) => row.status))))}`);
	}
}

// ---------------------------------------------------------------------------------------------------
// A bulk run: `batches` webhook calls at once, each `perBatch` SMS.

async function fireBulk(prefix: string, batches: number, perBatch: number) {
	const url = `http://127.0.0.1:${cluster.main.instance.port}/webhook/${BULK_SMS_WEBHOOK_PATH}`;
	const answers = await Promise.all(
		Array.from({ length: batches }, async (_, b) => {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: smsRows(`${prefix}-b${b}`, perBatch, b * perBatch) }) });
			return response.status;
		}),
	);
	assert.deepEqual([...new Set(answers)], [200], `the webhook answered ${JSON.stringify(answers)}`);
}

/** The SMS the emulator carried out in this phase, by row reference (`<prefix>-b<batch>-<i>`) and by execution id. */
/** The SMS reference of a logged request (`<row ref>/<execution id>`), by the contract's field name. */
const referenceOf = (request: RecordedRequest) => String((request.body as Record<string, unknown> | undefined)?.[SMS_FIELDS.reference.wire] ?? '');

function sentSms(log: RecordedRequest[], prefix: string) {
	const sent = log.filter((r) => r.endpoint === 'sendSms' && r.acted && referenceOf(r).startsWith(`${prefix}-`));
	const byRef = new Map<string, number>();
	const byExecution = new Map<string, number>();
	for (const request of sent) {
		const [ref, executionId] = referenceOf(request).split('/');
		byRef.set(ref, (byRef.get(ref) ?? 0) + 1);
		byExecution.set(executionId, (byExecution.get(executionId) ?? 0) + 1);
	}
	return { sent, byRef, byExecution };
}

function expectedRefs(prefix: string, batches: number, perBatch: number): string[] {
	return Array.from({ length: batches }, (_, b) => Array.from({ length: perBatch }, (_, i) => `${prefix}-b${b}-${i}`)).flat();
}

function assertEachSentOnce(byRef: Map<string, number>, expected: string[]) {
	const twice = [...byRef].filter(([, n]) => n > 1);
	assert.equal(twice.length, 0, `sent more than once: ${twice.slice(0, 5).map(([ref, n]) => `${ref} ×${n}`).join(', ')}`);
	const missing = expected.filter((ref) => !byRef.has(ref));
	assert.equal(missing.length, 0, `never sent: ${missing.length} (e.g. ${missing.slice(0, 5).join(', ')})`);
	assert.equal(byRef.size, expected.length);
}

/** Which worker ran each execution; fails if one ran on both or on none. */
function workerOf(executionIds: string[], workers: QueueProcess[]): Map<string, string> {
	const owner = new Map<string, string>();
	for (const worker of workers) {
		for (const id of executionsRunBy(worker)) {
			if (!executionIds.includes(id)) continue;
			assert.ok(!owner.has(id), `execution ${id} was taken by both ${owner.get(id)} and ${worker.name}`);
			owner.set(id, worker.name);
		}
	}
	const unowned = executionIds.filter((id) => !owner.has(id));
	assert.equal(unowned.length, 0, `executions no worker logged as taken: ${unowned.join(', ')}`);
	return owner;
}

const countBy = <T>(values: T[]) => values.reduce((acc, value) => acc.set(value, (acc.get(value) ?? 0) + 1), new Map<T, number>());

// ---------------------------------------------------------------------------------------------------
// Trigger helpers (case 4).

async function triggerExecutions(afterId: number) {
	const rows = await executionsOf(FAILED_DELIVERY_WORKFLOW_ID, afterId);
	const result: Array<{ id: string; status: string; invoices: string[] }> = [];
	for (const row of rows) {
		if (!FINISHED.has(row.status)) continue;
		const [data] = await cluster.sql<{ data: string }>('select data from execution_data where "executionId" = $1', [Number(row.id)]);
		const run = parseFlatted(cluster.main.instance, data.data);
		const items = run.resultData.runData[TRIGGER_NODE]?.[0]?.data?.main[0] ?? [];
		result.push({ id: row.id, status: row.status, invoices: items.map((item) => String(item.json.invoiceNumber)) });
	}
	return result;
}

const deliveryPolls = async () => (await requests()).filter((r) => r.endpoint === 'getSellerDeliveries' && r.status === 200 && r.params.sellerId === SELLER).length;

/** Case 6: the portfolio's executions with what each reported, from n8n's records in PostgreSQL. */
async function portfolioExecutions() {
	const result: Array<{ id: string; status: string; alerts: string[]; error?: string }> = [];
	for (const row of await executionsOf(PORTFOLIO_WORKFLOW_ID, 0)) {
		if (!FINISHED.has(row.status)) continue;
		const [data] = await cluster.sql<{ data: string }>('select data from execution_data where "executionId" = $1', [Number(row.id)]);
		const run = parseFlatted(cluster.main.instance, data.data);
		const items = run.resultData.runData[PORTFOLIO_NODE]?.[0]?.data?.main[0] ?? [];
		result.push({ id: row.id, status: row.status, alerts: items.map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`), error: run.resultData.error?.message });
	}
	return result;
}

const waitFor = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) => waitForProbe(what, timeoutMs, probe, 500);

// ---------------------------------------------------------------------------------------------------

async function main() {
	emulator = await startEmulatorProcess();
	await control('POST', '/seed', { deliveries: [SELLER, ...PORTFOLIO].map((sellerId) => ({ sellerId, count: 40, perDay: 4 })) });
	const deliveredOf = async (sellerId: string) =>
		((await control('GET', `/deliveries?sellerId=${sellerId}`)) as Array<{ invoiceNumber: string; status: string }>).filter((d) => d.status === 'DELIVERED').map((d) => d.invoiceNumber);
	const delivered = await deliveredOf(SELLER);
	const failDelivery = (sellerId: string, invoiceNumber: string) => control('POST', '/deliveries/status', { sellerId, invoiceNumber, status: 'FAILED', statusMessage: 'Mailbox unavailable' });

	console.log('Starting PostgreSQL, Redis, n8n main and 2 workers…');
	const started = Date.now();
	cluster = await startQueueCluster({
		workers: 2,
		concurrency: 10,
		credentials: [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }],
		workflows: [bulkSmsWorkflow, retrySmsWorkflow, failedDeliveryWorkflow(SELLER), portfolioWorkflow(PORTFOLIO_WORKFLOW_ID, PORTFOLIO)],
		publish: [BULK_SMS_WORKFLOW_ID, RETRY_SMS_WORKFLOW_ID, FAILED_DELIVERY_WORKFLOW_ID, PORTFOLIO_WORKFLOW_ID],
		log: (line) => console.log(`  ${line}`),
	});
	console.log(`  cluster up in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
	const [worker1, worker2] = cluster.workers;

	// Case 4 starts now and is checked later: the trigger has made its activation poll (it only records
	// what exists); one delivery fails now, and the next poll (n8n polls at most once a minute) reports it.
	const firstFailure = delivered[0];
	const triggerBaseline = 0; // every execution of the trigger workflow counts: the activation poll must fire none
	await waitFor('the trigger’s activation poll', 60_000, async () => ((await deliveryPolls()) >= 1 ? true : undefined));
	await control('POST', '/deliveries/status', { sellerId: SELLER, invoiceNumber: firstFailure, status: 'FAILED', statusMessage: 'Mailbox unavailable' });
	// Case 6 too: its first scheduled run records where each seller stands; then three deliveries fail.
	const portfolioFailures: string[] = [];
	if (!only || only.includes('6')) {
		await waitFor('the portfolio’s first scheduled run', 150_000, async () => ((await portfolioExecutions()).length >= 1 ? true : undefined));
		for (const seller of [PORTFOLIO[2], PORTFOLIO[9], PORTFOLIO[17]]) {
			const invoice = (await deliveredOf(seller))[5];
			await failDelivery(seller, invoice);
			portfolioFailures.push(`${seller} ${invoice}`);
		}
	}

	await check('1. spread: 20 webhook executions × 50 SMS run on both workers, every SMS sent exactly once, all succeed', async () => {
		await configure({ latencyMs: 200, maxInFlight: null });
		await resetLog();
		const before = await lastExecutionId();
		await fireBulk('spread', BATCHES, PER_BATCH);
		const rows = await waitForExecutions(BULK_SMS_WORKFLOW_ID, before, BATCHES, 180_000);
		assert.equal(rows.length, BATCHES);
		const failedRows = rows.filter((r) => r.status !== 'success');
		const failures: string[] = [];
		for (const row of failedRows) {
			const [data] = await cluster.sql<{ data: string }>('select data from execution_data where "executionId" = $1', [Number(row.id)]);
			failures.push(`${row.id} ${row.status}: ${data ? parseFlatted(cluster.main.instance, data.data).resultData.error?.message : '?'}`);
		}
		assert.deepEqual(failures, [], 'executions that did not succeed');
		assert.deepEqual([...countBy(rows.map((r) => r.status))], [['success', BATCHES]]);
		const { sent, byRef, byExecution } = sentSms(await requests(), 'spread');
		assertEachSentOnce(byRef, expectedRefs('spread', BATCHES, PER_BATCH));
		assert.equal(sent.length, BATCHES * PER_BATCH);
		const ids = rows.map((r) => r.id);
		assert.deepEqual([...byExecution.keys()].sort(), [...ids].sort(), 'the SMS were sent by exactly these executions');
		const owner = workerOf(ids, cluster.workers);
		const perWorker = Object.fromEntries(cluster.workers.map((w) => [w.name, { executions: ids.filter((id) => owner.get(id) === w.name).length, sms: ids.filter((id) => owner.get(id) === w.name).reduce((n, id) => n + (byExecution.get(id) ?? 0), 0) }]));
		console.log(`      ${JSON.stringify(perWorker)}`);
		for (const w of cluster.workers) assert.ok(perWorker[w.name].executions > 0, `${w.name} ran no execution`);
		report.spread = perWorker;
	});

	await check(`2. shared limit: the API holds ${SHARED_LIMIT} requests at once for the partner; every SMS sent once, no execution fails`, async () => {
		const latencyMs = 50;
		const throughputOf = (sent: RecordedRequest[]) => {
			const first = Math.min(...sent.map((r) => r.receivedAt));
			const last = Math.max(...sent.map((r) => r.answeredAt ?? r.receivedAt));
			return { first, last, perSecond: sent.length / ((last - first) / 1000) };
		};
		// Baseline in the same run: the same bulk with no limit, what n8n itself manages on this machine.
		await configure({ latencyMs, maxInFlight: null });
		await resetLog();
		const beforeBaseline = await lastExecutionId();
		await fireBulk('unlimited', BATCHES, PER_BATCH);
		await waitForExecutions(BULK_SMS_WORKFLOW_ID, beforeBaseline, BATCHES, 300_000);
		const unlimited = throughputOf(sentSms(await requests(), 'unlimited').sent);

		await configure({ latencyMs, maxInFlight: SHARED_LIMIT, retryAfter: '1' });
		await resetLog();
		const before = await lastExecutionId();
		await fireBulk('shared', BATCHES, PER_BATCH);
		const rows = await waitForExecutions(BULK_SMS_WORKFLOW_ID, before, BATCHES, 300_000);
		const state = (await control('GET', '/state')) as { peakInFlight: number };
		await configure({ maxInFlight: null });
		const log = await requests();
		if (process.env.QUEUE_DUMP) require('node:fs').writeFileSync(process.env.QUEUE_DUMP, JSON.stringify({ log, rows }));
		const { sent, byRef } = sentSms(log, 'shared');
		assert.deepEqual([...countBy(rows.map((r) => r.status))], [['success', BATCHES]], 'every execution succeeded');
		assertEachSentOnce(byRef, expectedRefs('shared', BATCHES, PER_BATCH));
		assert.ok(state.peakInFlight <= SHARED_LIMIT, `the emulator held ${state.peakInFlight} at once`);
		const refused = log.filter((r) => r.endpoint === 'sendSms' && r.status === 429).length;
		const { first, last, perSecond: throughput } = throughputOf(sent);
		const ceiling = SHARED_LIMIT / (latencyMs / 1000);
		const durations = rows.map((r) => (r.stoppedAt!.getTime() - r.startedAt!.getTime()) / 1000).sort((a, b) => a - b);
		const owner = workerOf(rows.map((r) => r.id), cluster.workers);
		// How many SMS requests the API held at each half second: how well the limit was used.
		const held: number[] = [];
		for (let t = first; t < last; t += 500) held.push(sent.filter((r) => r.receivedAt <= t && (r.answeredAt ?? 0) > t).length);
		const refusedPerSecond: number[] = [];
		for (const r of log.filter((x) => x.endpoint === 'sendSms' && x.status === 429)) {
			const second = Math.floor((r.receivedAt - first) / 1000);
			refusedPerSecond[second] = (refusedPerSecond[second] ?? 0) + 1;
		}
		console.log(`      requests held by the API, every 0.5 s: ${held.join(' ')}`);
		console.log(`      429s per second: ${Array.from(refusedPerSecond, (n) => n ?? 0).join(' ')}`);
		const result = {
			sms: sent.length,
			seconds: +((last - first) / 1000).toFixed(2),
			smsPerSecond: +throughput.toFixed(1),
			ceilingPerSecond: ceiling,
			ratioOfCeiling: +(throughput / ceiling).toFixed(2),
			unlimitedSmsPerSecond: +unlimited.perSecond.toFixed(1),
			ratioOfUnlimited: +(throughput / unlimited.perSecond).toFixed(2),
			refused429: refused,
			executionSeconds: { min: durations[0], median: durations[Math.floor(durations.length / 2)], max: durations[durations.length - 1] },
			executionsPerWorker: Object.fromEntries(countBy([...owner.values()])),
		};
		console.log(`      ${JSON.stringify(result)}`);
		report.sharedLimit = result;
	});

	await check('4. trigger on main: each failed delivery fires exactly one execution, run on a worker; across a main restart nothing fires twice and nothing is lost', async () => {
		const workerRan = (id: string) => cluster.workers.some((w) => executionsRunBy(w).has(id));
		const executionReporting = (invoice: string, after: number) =>
			waitFor(`an execution reporting ${invoice}`, 150_000, async () => {
				const runs = await triggerExecutions(after);
				return runs.some((r) => r.invoices.includes(invoice)) ? runs : undefined;
			});
		const fired = await executionReporting(firstFailure, triggerBaseline);
		assert.equal(fired.length, 1, `executions: ${JSON.stringify(fired)}`);
		assert.deepEqual(fired[0].invoices, [firstFailure]);
		assert.equal(fired[0].status, 'success');
		assert.ok(workerRan(fired[0].id), `execution ${fired[0].id} was not run by a worker`);

		// Main goes down; a delivery fails while it is down. Its activation poll on the way back up must
		// report that one (the trigger's memory is in the database, not in main's process) and not the old one.
		const beforeRestart = await lastExecutionId();
		await cluster.stopMain();
		const whileDown = delivered[1];
		await control('POST', '/deliveries/status', { sellerId: SELLER, invoiceNumber: whileDown, status: 'FAILED', statusMessage: 'Address incomplete' });
		await cluster.startMain();
		const afterRestart = await executionReporting(whileDown, beforeRestart);
		assert.equal(afterRestart.length, 1, `executions after the restart: ${JSON.stringify(afterRestart)}`);
		assert.deepEqual(afterRestart[0].invoices, [whileDown]);
		assert.ok(workerRan(afterRestart[0].id), `execution ${afterRestart[0].id} was not run by a worker`);

		// And polling goes on after the restart: a new failure fires once, with the next poll.
		const beforeNew = await lastExecutionId();
		const afterRestartFailure = delivered[2];
		await control('POST', '/deliveries/status', { sellerId: SELLER, invoiceNumber: afterRestartFailure, status: 'FAILED', statusMessage: 'Number not in use' });
		const fresh = await executionReporting(afterRestartFailure, beforeNew);
		assert.equal(fresh.length, 1, `executions for the new failure: ${JSON.stringify(fresh)}`);
		assert.deepEqual(fresh[0].invoices, [afterRestartFailure]);
		assert.ok(workerRan(fresh[0].id), `execution ${fresh[0].id} was not run by a worker`);

		const all = await triggerExecutions(triggerBaseline);
		assert.deepEqual(all.map((r) => r.invoices), [[firstFailure], [whileDown], [afterRestartFailure]], 'each failure fired exactly one execution');
		report.trigger = all.map((r) => ({ execution: r.id, invoices: r.invoices, worker: cluster.workers.find((w) => executionsRunBy(w).has(r.id))?.name }));
		console.log(`      ${JSON.stringify(report.trigger)}`);
	});

	await check('6. portfolio (Schedule Trigger → Get Changes) on workers: n8n 2.41.1 hands workers no static data, so the runs after the first stop and say why — no change is reported wrongly or lost silently', async () => {
		const workerRan = (id: string) => cluster.workers.some((w) => executionsRunBy(w).has(id));
		// Read in n8n 2.41.1: an execution record keeps no static data (toWorkflowSnapshot), and a worker reloads
		// it only for resumed executions (job-processor.js) — so every scheduled run on a worker starts empty.
		const runs = await waitFor('two finished portfolio runs', 150_000, async () => {
			const found = await portfolioExecutions();
			return found.length >= 2 ? found : undefined;
		});
		assert.ok(runs.every((run) => workerRan(run.id)), 'every portfolio run was run by a worker');
		assert.equal(runs[0].status, 'success', 'the first run records where each creditor stands');
		assert.deepEqual(runs.flatMap((run) => run.alerts), [], 'nothing was reported as new');
		for (const run of runs.slice(1)) {
			assert.equal(run.status, 'error', `run ${run.id}: ${run.status}`);
			assert.equal(run.error, 'This run did not get the memory of what earlier runs reported');
		}
		// The memory the first run kept is still in the database, untouched by the runs that stopped.
		const [stored] = await cluster.sql<{ staticData: { global?: Record<string, { sellers?: Record<string, unknown> }> } | null }>('select "staticData" from workflow_entity where id = $1', [PORTFOLIO_WORKFLOW_ID]);
		// Kept under the node's ID (monitoring/memory.ts): the portfolio workflow's Get Changes node is `<id>-4`.
		assert.equal(Object.keys(stored?.staticData?.global?.[memoryKey(`${PORTFOLIO_WORKFLOW_ID}-4`)]?.sellers ?? {}).length, PORTFOLIO.length);
		report.portfolio = { runs: runs.map((run) => ({ id: run.id, status: run.status })), failuresMadeMeanwhile: portfolioFailures.length };
		console.log(`      ${JSON.stringify(report.portfolio)}`);
	});

	await check("7. n8n's Retry of an execution that failed on a worker (Cash-In refused row 41 of 60, Stop Workflow), with the original and the current workflow: no SMS twice, the refused row goes out when Cash-In takes it", async () => {
		await configure({ latencyMs: 50, maxInFlight: null });
		await resetLog();
		await control('POST', '/faults', { endpoint: 'sendSms', bodyContains: '"qretry-41"', times: 2, fault: { kind: 'status', status: 400, body: { message: 'Recipient number is blocked' } } });
		const before = await lastExecutionId();
		const rows = smsRows('qretry', 60);
		const answer = await fetch(`http://127.0.0.1:${cluster.main.instance.port}/webhook/${RETRY_SMS_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows }) });
		assert.equal(answer.status, 200);
		const [failed] = await waitForExecutions(RETRY_SMS_WORKFLOW_ID, before, 1, 120_000);
		assert.equal(failed.status, 'error');
		const rest = await restSession(cluster.main.instance);
		const original = (await rest('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow: false })) as { id: string; status: string };
		const current = (await rest('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow: true })) as { id: string; status: string };
		const byRef = new Map<string, number[]>();
		for (const request of (await requests()).filter((r) => r.endpoint === 'sendSms' && referenceOf(r).startsWith('qretry-'))) {
			byRef.set(referenceOf(request), [...(byRef.get(referenceOf(request)) ?? []), request.status ?? 0]);
		}
		const ranOn = [failed.id, original.id, current.id].map((id) => cluster.workers.find((worker) => executionsRunBy(worker).has(String(id)))?.name ?? 'main');
		const result = { statuses: [failed.status, original.status, current.status], ranOn, postsOfRow41: byRef.get('qretry-41') };
		console.log(`      ${JSON.stringify(result)}`);
		assert.deepEqual(result.statuses, ['error', 'error', 'success']);
		assert.deepEqual(byRef.get('qretry-41'), [400, 400, 200]);
		const postedTwice = [...byRef].filter(([ref, statuses]) => ref !== 'qretry-41' && statuses.length !== 1);
		assert.deepEqual(postedTwice, [], 'rows posted more than once');
		assert.equal(byRef.size, 60);
		assert.ok(ranOn.every((name) => name !== 'main'), `every execution ran on a worker: ${ranOn.join(', ')}`);
		report.retryOnWorker = result;
	});

	await check('3. a worker dies (SIGKILL) in the middle of a run: no SMS is sent twice; what n8n does with its executions', async () => {
		await configure({ latencyMs: 1000, maxInFlight: null });
		await resetLog();
		const before = await lastExecutionId();
		await fireBulk('crash', BATCHES, PER_BATCH);
		// Kill worker 2 once it is in the middle of its executions: some of their SMS sent, some not yet.
		await waitFor('worker-2 sending', 60_000, async () => {
			const mine = [...executionsRunBy(worker2)];
			const { byExecution } = sentSms(await requests(), 'crash');
			return mine.some((id) => (byExecution.get(id) ?? 0) > 0) ? true : undefined;
		});
		const killedAt = Date.now();
		await worker2.server.kill();
		const victims = [...executionsRunBy(worker2)].filter((id) => Number(id) > before);
		console.log(`      worker-2 killed; it had taken executions ${victims.join(', ')}`);

		// The survivors finish; then watch what becomes of the victims' records.
		const settle = Date.now();
		const settled = await waitForExecutions(BULK_SMS_WORKFLOW_ID, before, BATCHES, 240_000);
		const settleSeconds = (Date.now() - settle) / 1000;
		const log = await requests();
		const { sent, byRef, byExecution } = sentSms(log, 'crash');
		const twice = [...byRef].filter(([, n]) => n > 1);
		assert.equal(twice.length, 0, `sent twice: ${twice.map(([r]) => r).join(', ')}`);
		const victimRows = settled.filter((r) => victims.includes(r.id));
		const survivors = settled.filter((r) => !victims.includes(r.id));
		assert.ok(victims.length > 0, 'worker-2 had taken no execution of the run');
		assert.deepEqual([...countBy(survivors.map((r) => r.status))], [['success', survivors.length]], 'the other worker’s executions succeeded');
		assert.ok(survivors.every((r) => executionsRunBy(worker1).has(r.id)), 'every other execution ran on worker-1');
		// No execution of the killed worker ran again anywhere: no second worker log line, no new execution,
		// no SMS under an id outside the run.
		for (const id of victims) assert.ok(!executionsRunBy(worker1).has(id), `execution ${id} ran again on worker-1`);
		assert.equal(settled.length, BATCHES, 'no execution was added for the lost ones');
		const runIds = new Set(settled.map((r) => r.id));
		assert.deepEqual([...byExecution.keys()].filter((id) => !runIds.has(id)), [], 'SMS sent by executions outside the run');
		const answeredAfterKill = sent.filter((r) => victims.includes(referenceOf(r).split('/')[1]) && (r.answeredAt ?? 0) >= killedAt).length;
		const victimSent = victims.reduce((n, id) => n + (byExecution.get(id) ?? 0), 0);
		// What n8n wrote into the killed executions' records.
		const errorOf = async (id: string) => {
			const [row] = await cluster.sql<{ data: string }>('select data from execution_data where "executionId" = $1', [Number(id)]);
			const run = row ? parseFlatted(cluster.main.instance, row.data) : undefined;
			return run?.resultData.error?.message ?? null;
		};
		const messages: Array<string | null> = [];
		for (const id of victims) messages.push(await errorOf(id)); // one query at a time on one connection
		const victimErrors = countBy(messages);
		const result = {
			victims: victimRows.map((r) => ({ id: r.id, status: r.status, smsSent: byExecution.get(r.id) ?? 0 })),
			victimErrors: Object.fromEntries(victimErrors),
			victimSmsSent: victimSent,
			victimSmsNeverSent: victims.length * PER_BATCH - victimSent,
			victimSmsCarriedOutButAnswerLost: answeredAfterKill,
			secondsUntilFinalStatus: +settleSeconds.toFixed(0),
			smsSentTwice: twice.length,
		};
		console.log(`      ${JSON.stringify(result)}`);
		report.workerDies = result;
	});

	await check('5. scaling: a CPU-bound bulk with 1 worker, then with 2 (same run)', async () => {
		await configure({ latencyMs: 0, maxInFlight: null });
		const batches = 10;
		const perBatch = 200;
		// Where the CPU went, per process group, as a share of one core over the phase.
		const servers = () => [...cluster.workers.filter((w) => !w.server.exited).map((w) => w.server), cluster.main.server, emulator.server, cluster.postgres.server, cluster.redis.server];
		const measure = async (prefix: string) => {
			await resetLog();
			const before = await lastExecutionId();
			const cpuBefore = new Map(servers().map((server) => [server.name, groupCpuMs(server)]));
			const t0 = Date.now();
			await fireBulk(prefix, batches, perBatch);
			const rows = await waitForExecutions(BULK_SMS_WORKFLOW_ID, before, batches, 300_000);
			const seconds = (Date.now() - t0) / 1000;
			const cores = Object.fromEntries(servers().map((server) => [server.name, +((groupCpuMs(server) - (cpuBefore.get(server.name) ?? 0)) / 1000 / seconds).toFixed(2)]));
			assert.deepEqual([...countBy(rows.map((r) => r.status))], [['success', batches]]);
			const { byRef } = sentSms(await requests(), prefix);
			assertEachSentOnce(byRef, expectedRefs(prefix, batches, perBatch));
			return { seconds, cores, smsPerSecond: (batches * perBatch) / seconds, owners: countBy([...workerOf(rows.map((r) => r.id), cluster.workers.filter((w) => !w.server.exited)).values()]) };
		};
		// One worker: worker-2 is gone after case 3 (stopped here when case 3 did not run).
		for (const worker of cluster.workers.filter((w) => w !== worker1)) await worker.server.stop();
		const one = await measure('scale1');
		const worker3 = await cluster.startWorker('worker-3');
		const two = await measure('scale2');
		assert.ok((two.owners.get(worker3.name) ?? 0) > 0 && (two.owners.get(worker1.name) ?? 0) > 0, 'both workers ran executions');
		const result = {
			sms: batches * perBatch,
			oneWorker: { seconds: +one.seconds.toFixed(1), smsPerSecond: +one.smsPerSecond.toFixed(0), coresUsed: one.cores },
			twoWorkers: { seconds: +two.seconds.toFixed(1), smsPerSecond: +two.smsPerSecond.toFixed(0), executionsPerWorker: Object.fromEntries(two.owners), coresUsed: two.cores },
			ratio: +(two.smsPerSecond / one.smsPerSecond).toFixed(2),
			cpus: require('node:os').cpus().length,
		};
		console.log(`      ${JSON.stringify(result)}`);
		report.scaling = result;
	});
}

main()
	.catch((error) => {
		console.error(error);
		process.exitCode = 1;
	})
	.finally(async () => {
		await cluster?.stop().catch(() => {});
		await stopAll();
		console.log(`\nqueue mode: ${summary()}`);
		console.log(JSON.stringify(report));
		if (failed() > 0) process.exitCode = 1;
	});
