/**
 * `npm run start:queue`: the demo of `npm start`, run the way partners run n8n at scale — queue mode, with
 * a main instance (editor, webhooks, triggers) on 127.0.0.1:5678 and two `n8n worker` processes running the
 * executions, sharing a PostgreSQL database and a Redis queue started here on free loopback ports.
 * Same login, credential and example workflows as `npm start`, with the bulk-SMS webhook example published.
 * Ctrl-C stops every process it started and removes their folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startEmulator } from '../emulator/server';
import { EMULATOR_CREDENTIAL, OWNER, portIsFree } from '../testing/n8n';
import { stopAll } from '../testing/processes';
import { startQueueCluster } from '../testing/queueCluster';
import { PROJECT_ROOT } from '../testing/paths';

const ROOT = PROJECT_ROOT;
const PORT = Number(process.env.N8N_PORT ?? 5678);
/** examples/bulk-sms-webhook.json, published so its webhook is live. */
const BULK_SMS_EXAMPLE_ID = 'CashInBulkSmsHook';

async function main() {
	if (!(await portIsFree(PORT))) throw new Error(`Port ${PORT} is in use. Stop what runs there, or set N8N_PORT to another port.`);
	// The emulator runs in this process: nothing here blocks its event loop once n8n is up.
	const emulator = await startEmulator({ recordRequests: false });
	emulator.seedDemo();
	console.log(`Cash-In emulator with demo data: ${emulator.baseUrl} (creditors c_00001…c_00004)`);
	const examples = fs.readdirSync(path.join(ROOT, 'examples')).map((file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')));
	const bulkSms = examples.find((workflow) => workflow.id === BULK_SMS_EXAMPLE_ID);
	const webhookPath = bulkSms.nodes.find((node: { type: string }) => node.type === 'n8n-nodes-base.webhook').parameters.path;
	console.log('Starting PostgreSQL, Redis, n8n main and 2 workers (about a minute)…');
	const cluster = await startQueueCluster({
		workers: 2,
		mainPort: PORT,
		credentials: [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }],
		workflows: examples,
		publish: [BULK_SMS_EXAMPLE_ID],
		log: (line) => console.log(`  ${line}`),
	});
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n, its workers, Redis, PostgreSQL and the emulator…');
		await cluster.stop().catch(() => {});
		await stopAll();
		await emulator.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	cluster.main.server.child.once('exit', () => void stop());

	const sample = JSON.stringify({ rows: [{ phone: '+358401234567', message: 'Hei! Laskunne on erääntynyt.', ref: 'demo-1' }] });
	console.log(`
  n8n (queue mode) is ready:  http://127.0.0.1:${PORT}
  Log in with:                ${OWNER.email} / ${OWNER.password}
  Workers:                    ${cluster.workers.map((w) => w.name).join(', ')} (every execution runs on one of them)
  PostgreSQL / Redis:         127.0.0.1:${cluster.postgres.port} / 127.0.0.1:${cluster.redis.port}

  Bulk SMS through the queue (one execution per call):
    curl -X POST http://127.0.0.1:${PORT}/webhook/${webhookPath} -H 'content-type: application/json' -d '${sample}'

  Press Ctrl-C to stop everything.`);
}

main().catch(async (error) => {
	console.error(`npm run start:queue failed: ${(error as Error).message}`);
	await stopAll();
	process.exit(1);
});
