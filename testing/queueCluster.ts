/**
 * n8n in queue mode, as partners run it at scale: one main instance (editor, webhooks, triggers) that puts
 * executions in a Redis queue, and workers that run them, all sharing one PostgreSQL database. Each
 * process has its own n8n folder with the packed package installed, as separate machines or containers
 * would. Used by `npm run test:queue` and `npm run start:queue`.
 */
import * as path from 'node:path';

import { importCredentials, importWorkflows, type N8nInstance, n8nCli, prepareN8n, setUpOwner } from './n8n';
import { removeOnExit, type ServerProcess, startServer } from './processes';
import { type Postgres, type Redis, startPostgres, startRedis } from './servers';

export interface QueueProcess {
	name: string;
	instance: N8nInstance;
	server: ServerProcess;
}

export interface QueueClusterOptions {
	workers: number;
	/** Executions one worker runs at once (`n8n worker --concurrency`). */
	concurrency?: number;
	mainPort?: number;
	credentials: unknown[];
	workflows: Array<{ id: string }>;
	/** Workflows to publish (activate) before main starts: their triggers and webhooks go live with it. */
	publish?: string[];
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	log?: (line: string) => void;
}

export interface QueueCluster {
	postgres: Postgres;
	redis: Redis;
	main: QueueProcess;
	workers: QueueProcess[];
	/** One SQL query against n8n's database, with n8n's own PostgreSQL client. */
	sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
	startWorker(name: string): Promise<QueueProcess>;
	/** Stops main (SIGTERM, as a deploy or a container restart does); `startMain` brings it back. */
	stopMain(): Promise<void>;
	startMain(): Promise<void>;
	stop(): Promise<void>;
}

/** The environment every process of the cluster shares, besides the database's and Redis's. */
export const QUEUE_ENV: Record<string, string> = {
	EXECUTIONS_MODE: 'queue',
	// The editor's "Execute workflow" runs on a worker too (n8n 3.x's default), so a user sees what production does.
	OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	QUEUE_HEALTH_CHECK_ACTIVE: 'false',
};

export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const log = options.log ?? (() => {});
	const [postgres, redis] = [await startPostgres(), await startRedis()];
	log(`PostgreSQL on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}`);
	const shared = { ...QUEUE_ENV, ...postgres.n8nEnv, ...redis.n8nEnv, ...options.env };

	const prepare = async (port?: number) => {
		const instance = await prepareN8n({ port, env: shared });
		removeOnExit(instance.home);
		return instance;
	};

	const mainInstance = await prepare(options.mainPort);
	// Imports go straight into PostgreSQL (n8n's CLI creates the schema on first use).
	await importCredentials(mainInstance, options.credentials);
	await importWorkflows(mainInstance, options.workflows);
	for (const id of options.publish ?? []) {
		const published = await n8nCli(mainInstance, ['publish:workflow', `--id=${id}`]);
		if (published.status !== 0) throw new Error(`n8n publish:workflow --id=${id} failed: ${published.stderr || published.stdout}`);
	}

	const startMain = async (): Promise<QueueProcess> => {
		const { runtime } = mainInstance;
		const server = startServer('n8n main', runtime.nodeBin, [runtime.n8nBin, 'start'], { env: mainInstance.env });
		await server.waitForLine(/Editor is now accessible/, 180_000);
		return { name: 'main', instance: mainInstance, server };
	};
	const main = await startMain();
	await setUpOwner(mainInstance);
	log(`n8n main on http://127.0.0.1:${mainInstance.port}`);

	const startWorker = async (name: string): Promise<QueueProcess> => {
		const instance = await prepare();
		const { runtime } = instance;
		const server = startServer(`n8n ${name}`, runtime.nodeBin, [runtime.n8nBin, 'worker', `--concurrency=${options.concurrency ?? 10}`], { env: instance.env });
		await server.waitForLine(/n8n worker is now ready/, 180_000);
		log(`n8n ${name} ready (folder ${path.basename(instance.home)})`);
		return { name, instance, server };
	};
	const workers: QueueProcess[] = [];
	// One after the other: two n8n processes booting at once on two cores only race for the CPU.
	for (let i = 1; i <= options.workers; i++) workers.push(await startWorker(`worker-${i}`));

	const { Client } = require(require.resolve('pg', { paths: [path.join(mainInstance.runtime.dir, 'node_modules', 'n8n')] }));
	const db = new Client({ host: '127.0.0.1', port: postgres.port, user: postgres.user, database: postgres.database });
	// A lost connection (PostgreSQL stopping at the end or on Ctrl-C) shows up in the next query; the
	// client's own error event must not crash the script before it has stopped everything.
	db.on('error', () => {});
	await db.connect();

	const cluster: QueueCluster = {
		postgres,
		redis,
		main,
		workers,
		async sql(text, values) {
			return (await db.query(text, values)).rows;
		},
		async startWorker(name) {
			const worker = await startWorker(name);
			workers.push(worker);
			return worker;
		},
		async stopMain() {
			await cluster.main.server.stop('SIGTERM', 30_000);
		},
		async startMain() {
			cluster.main = await startMain();
		},
		async stop() {
			await db.end().catch(() => {});
			for (const worker of workers) await worker.server.stop('SIGTERM', 30_000);
			await cluster.main.server.stop('SIGTERM', 30_000);
			await redis.server.stop('SIGTERM');
			await postgres.server.stop('SIGINT'); // PostgreSQL's "fast" shutdown
		},
	};
	return cluster;
}

/** Which worker ran which execution, from the line every worker logs when it takes a job. */
export function executionsRunBy(worker: QueueProcess): Set<string> {
	const ids = new Set<string>();
	for (const line of worker.server.lines) {
		const match = /Worker started execution (\d+) \(job/.exec(line);
		if (match) ids.add(match[1]);
	}
	return ids;
}
