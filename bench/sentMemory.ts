/**
 * `npm run bench:memory`: what Skip Items Sent Before costs inside a real n8n 2.41.1 (SQLite), as the node's
 * memory grows. Not a test.
 *
 * n8n keeps the memory in one row of its `processed_data` table per node (a JSON list of md5 hashes) and
 * reads and rewrites the whole row at each call. Here the row is filled to 0, 10,000 and 100,000 remembered
 * items ((weeks + 1) = 2 keys each, as the node writes them at the default of 1 week) straight in the
 * database, then a 1,000-SMS execution runs with the protection on and, alternately, off (emulator at
 * 20 ms). Per size: the row's bytes, and the Cash-In node's own execution time on vs off (median of the
 * rounds); the difference is the memory's cost per execution. The last line is one JSON object.
 * BENCH_ROUNDS=n sets the rounds (3).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { EMULATOR_CREDENTIAL, importCredentials, importWorkflows, type N8nInstance, prepareN8n, restSession, runViaRest, setUpOwner, startN8nServer, stopN8nServer } from '../testing/n8n';
import { startEmulatorProcess } from '../testing/emulatorProcess';
import { rowsWorkflow } from './rowsWorkflow';

const ITEMS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = [0, 10_000, 100_000];
const KEYS_PER_ITEM = 2;
const MEASURED = 'Send SMS';

function workflow(id: string, skipSentBefore: boolean) {
	const rows = Array.from({ length: ITEMS }, (_, i) => ({ phone: `+35840${String(2000000 + i)}`, message: `Hei, laskunne ${2026_0000 + i} on erääntynyt.` }));
	return rowsWorkflow(id, rows, {
		name: MEASURED,
		type: 'n8n-nodes-cash-in-partner.cashInPartner',
		typeVersion: 2,
		// Each execution sends new messages (its ID in the text): the memory is searched and grows, nothing is skipped.
		parameters: { resource: 'sms', operation: 'send', recipient: '={{ $json.phone }}', message: '={{ $json.message }} {{ $execution.id }}', skipSentBefore },
		credentials: { cashInPartnerApi: EMULATOR_CREDENTIAL },
	});
}

/** Runs a short script against n8n's SQLite database with n8n's own sqlite3 (built for n8n's Node). */
function sql(n8n: N8nInstance, script: string): string {
	const database = path.join(n8n.userFolder, '.n8n', 'database.sqlite');
	const program = `
		const sqlite3 = require(require.resolve('sqlite3', { paths: [${JSON.stringify(path.join(n8n.runtime.dir, 'node_modules', 'n8n'))}] }));
		const crypto = require('node:crypto');
		const db = new sqlite3.Database(${JSON.stringify(database)});
		db.configure('busyTimeout', 30000);
		${script}`;
	const result = spawnSync(n8n.runtime.nodeBin, ['-e', program], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) throw new Error(`sqlite: ${result.stderr}`);
	return result.stdout.trim();
}

/** Fills the node's memory row with `items` remembered items (random keys), as n8n stores them. */
function seed(n8n: N8nInstance, workflowId: string, items: number) {
	sql(
		n8n,
		`const data = Array.from({ length: ${items * KEYS_PER_ITEM} }, (_, i) => crypto.createHash('md5').update('seed-' + i).digest('base64'));
		db.run('DELETE FROM processed_data WHERE "workflowId" = ?', [${JSON.stringify(workflowId)}], (error) => {
			if (error) throw error;
			if (${items} === 0) return db.close();
			db.run('INSERT INTO processed_data ("workflowId", "context", "value", "createdAt", "updatedAt") VALUES (?, ?, ?, datetime(\\'now\\'), datetime(\\'now\\'))',
				[${JSON.stringify(workflowId)}, ${JSON.stringify(`n:${workflowId}-4`)}, JSON.stringify({ mode: 'entries', data })], (e) => { if (e) throw e; db.close(); });
		});`,
	);
}

const rowBytes = (n8n: N8nInstance, workflowId: string) =>
	Number(sql(n8n, `db.get('SELECT length(value) AS bytes FROM processed_data WHERE "workflowId" = ?', [${JSON.stringify(workflowId)}], (e, row) => { if (e) throw e; console.log(row ? row.bytes : 0); db.close(); });`));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const emulator = await startEmulatorProcess({ latencyMs: 20, recordRequests: false });
	let n8n: N8nInstance | undefined;
	let server: Awaited<ReturnType<typeof startN8nServer>> | undefined;
	try {
		n8n = await prepareN8n();
		await importCredentials(n8n, [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }]);
		await importWorkflows(n8n, [workflow('BenchMemoryOn', true), workflow('BenchMemoryOff', false)]);
		server = await startN8nServer(n8n);
		await setUpOwner(n8n);
		const rest = await restSession(n8n);
		const nodeMs = async (id: string) => {
			const { status, run } = await runViaRest(n8n!, rest, id, { triggerToStartFrom: { name: 'Start' } }, 600_000);
			if (status !== 'success') throw new Error(`${id}: ${status}`);
			return (run.data.resultData.runData[MEASURED]?.[0] as { executionTime?: number } | undefined)?.executionTime ?? Number.NaN;
		};
		console.log(`n8n ${n8n.runtime.version} (SQLite): ${ITEMS} SMS per execution, ${ROUNDS} rounds per size (median kept)\n`);
		await nodeMs('BenchMemoryOff'); // warm-up
		const results = [];
		for (const items of SIZES) {
			const on: number[] = [];
			const off: number[] = [];
			let bytes = 0;
			for (let round = 0; round < ROUNDS; round++) {
				seed(n8n, 'BenchMemoryOn', items);
				bytes = rowBytes(n8n, 'BenchMemoryOn');
				on.push(await nodeMs('BenchMemoryOn'));
				off.push(await nodeMs('BenchMemoryOff'));
			}
			const row = { rememberedItems: items, rowBytesBefore: bytes, rowBytesAfter: rowBytes(n8n, 'BenchMemoryOn'), nodeMsOn: median(on), nodeMsOff: median(off) };
			results.push({ ...row, costMsPerExecution: row.nodeMsOn - row.nodeMsOff, onVsOff: +(row.nodeMsOff / row.nodeMsOn).toFixed(3) });
		}
		console.log('| remembered items | row size | node ms on | node ms off | cost per execution | items/s on vs off |');
		console.log('|---|---|---|---|---|---|');
		for (const r of results) {
			console.log(`| ${r.rememberedItems.toLocaleString('en')} | ${(r.rowBytesBefore / 1024).toFixed(0)} KB | ${r.nodeMsOn} | ${r.nodeMsOff} | ${r.costMsPerExecution} ms | ${r.onVsOff}× |`);
		}
		console.log(JSON.stringify({ n8n: n8n.runtime.version, items: ITEMS, rounds: ROUNDS, results }));
	} finally {
		if (server) await stopN8nServer(server);
		await emulator.server.stop();
		if (n8n) fs.rmSync(n8n.home, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
