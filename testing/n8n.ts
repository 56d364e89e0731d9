/**
 * A real n8n for the e2e tier and `npm start`: a throwaway user folder, the packed package installed where
 * n8n looks for community packages, credentials and workflows imported with n8n's own CLI.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n, type N8nRuntime, nodeEnv } from './runtime';
import { PROJECT_ROOT } from './paths';

export const PACKAGE_NAME = 'n8n-nodes-cash-in-partner';

/** The credential every local n8n (npm start, the real-n8n tiers, the benchmarks) uses for the emulator; the examples name it. */
export const EMULATOR_CREDENTIAL = { id: 'CashInEmulator01', name: 'Cash-In Partner (local emulator)' };
const ROOT = PROJECT_ROOT;

export interface N8nInstance {
	runtime: N8nRuntime;
	home: string;
	userFolder: string;
	port: number;
	env: NodeJS.ProcessEnv;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Whether nothing listens on 127.0.0.1:`port` yet (for fixed ports a user asked for, like 5678). */
export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/** `npm pack` of the built package, unpacked into the user folder's community-nodes folder. */
export function installPackedPackage(userFolder: string): string {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-pack-'));
	const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = path.join(work, packed.stdout.trim().split('\n').pop()!);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	}
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', work]);
	if (untar.status !== 0) throw new Error('could not unpack the tarball');
	fs.renameSync(path.join(work, 'package'), target);
	const manifest = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
	manifest.dependencies[PACKAGE_NAME] = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')).version;
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify(manifest, null, 2));
	fs.rmSync(work, { recursive: true, force: true });
	return target;
}

/** Whether this n8n has one of its optional modules (n8n refuses to start when an unknown one is disabled). */
const hasModule = (runtime: N8nRuntime, name: string) => fs.existsSync(path.join(runtime.dir, 'node_modules', 'n8n', 'dist', 'modules', name));

/** A fresh n8n home with the package installed; nothing outside `home` is written. */
export async function prepareN8n(options: { home?: string; port?: number; installPackage?: boolean; env?: NodeJS.ProcessEnv; version?: string } = {}): Promise<N8nInstance> {
	const runtime = await ensureN8n(options.version);
	const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-n8n-'));
	const userFolder = path.join(home, 'user');
	const tmp = path.join(home, 'tmp');
	fs.mkdirSync(userFolder, { recursive: true });
	fs.mkdirSync(tmp, { recursive: true });
	const port = options.port ?? (await freePort());
	const env = nodeEnv(runtime.nodeHome, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'cash-in-partner-local-n8n',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		// The MCP registry module would call out; n8n versions without it refuse to start when it is named.
		...(hasModule(runtime, 'mcp-registry') ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		// n8n 1.x offers community nodes to the AI Agent as tools only with this; 2.x always does.
		N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		TMPDIR: tmp,
		...options.env,
	});
	if (options.installPackage !== false) installPackedPackage(userFolder);
	return { runtime, home, userFolder, port, env };
}

/**
 * One n8n CLI command. Asynchronous on purpose: the emulator may live in this process, and a blocking
 * spawn would stop it from answering the n8n it is waiting for.
 */
export function n8nCli(instance: N8nInstance, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(instance.runtime.nodeBin, [instance.runtime.n8nBin, ...args], { env: instance.env, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		child.on('close', (code) => resolve({ status: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
	});
}

async function importJson(instance: N8nInstance, kind: 'credentials' | 'workflow', data: unknown) {
	const file = path.join(instance.home, `import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
	fs.writeFileSync(file, JSON.stringify(data));
	const result = await n8nCli(instance, [`import:${kind}`, '--input', file]);
	fs.rmSync(file);
	if (result.status !== 0) throw new Error(`n8n import:${kind} failed: ${result.stderr || result.stdout}`);
}

export const importCredentials = (instance: N8nInstance, credentials: unknown[]) => importJson(instance, 'credentials', credentials);
/** Imports several workflows with one CLI call (each call boots n8n, ~3 s). */
export const importWorkflows = (instance: N8nInstance, workflows: unknown[]) => importJson(instance, 'workflow', workflows);

/** The run JSON `n8n execute --rawOutput` prints between its log lines: from a line "{" to a line "}". */
export function parseRunOutput(stdout: string): RunJson | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunJson;
	} catch {
		return undefined;
	}
}

export interface RunJson {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> }; error?: { message: string; description?: string } }>>;
			error?: { message: string; description?: string; node?: { name: string } };
		};
	};
	status?: string;
}

export async function executeWorkflow(instance: N8nInstance, workflowId: string) {
	const result = await n8nCli(instance, ['execute', '--id', workflowId, '--rawOutput']);
	return { ...result, run: parseRunOutput(result.stdout) };
}

/** `n8n start` in the background; resolves once the editor answers. */
export async function startN8nServer(instance: N8nInstance, log: (line: string) => void = () => {}) {
	const child = spawn(instance.runtime.nodeBin, [instance.runtime.n8nBin, 'start'], { env: instance.env, stdio: ['ignore', 'pipe', 'pipe'] });
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('n8n did not start within 120 s')), 120_000);
		const onLine = (chunk: Buffer) => {
			for (const line of chunk.toString().split('\n')) {
				if (line.trim()) log(line);
				if (line.includes('Editor is now accessible')) {
					clearTimeout(timer);
					resolve();
				}
			}
		};
		child.stdout.on('data', onLine);
		child.stderr.on('data', onLine);
		child.once('exit', (code) => reject(new Error(`n8n exited early with code ${code}`)));
	}).catch((error: unknown) => {
		child.kill('SIGKILL'); // never leave a half-started n8n behind
		throw error;
	});
	return child;
}

/** Stops a server started by startN8nServer: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopN8nServer(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

export const OWNER = { email: 'owner@cash-in.local', firstName: 'Demo', lastName: 'Owner', password: 'CashIn-Demo-2026' };

export async function setUpOwner(instance: N8nInstance) {
	const response = await fetch(`http://127.0.0.1:${instance.port}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!response.ok) throw new Error(`owner setup failed: HTTP ${response.status} ${await response.text()}`);
}

/** A logged-in REST session, as the editor has: the auth cookie is bound to a browser id header. */
export async function restSession(instance: N8nInstance) {
	const base = `http://127.0.0.1:${instance.port}`;
	const browserId = `e2e-${Math.random().toString(36).slice(2)}`;
	const login = await fetch(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!login.ok) throw new Error(`login failed: HTTP ${login.status}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const call = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(base + path, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': browserId, cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: unknown }).data;
	};
	/** A GET outside the REST API (e.g. /types/nodes.json, which n8n 1.x serves only to a logged-in user). */
	const raw = async (path: string) => await fetch(base + path, { headers: { 'browser-id': browserId, cookie } });
	return Object.assign(call, { raw });
}

/**
 * Runs a saved workflow in the running server, as the editor's "Execute workflow" / "Test step" does,
 * and returns its run data once it has finished.
 */
export async function runViaRest(
	instance: N8nInstance,
	rest: Awaited<ReturnType<typeof restSession>>,
	workflowId: string,
	body: { triggerToStartFrom: { name: string }; destinationNode?: { nodeName: string; mode: 'inclusive' } },
	timeoutMs = 60_000,
): Promise<{ status: string; run: RunJson }> {
	// n8n 1.x runs the workflow it is sent (workflowData); 2.x reads it from the database and ignores it.
	const workflowData = await rest('GET', `/rest/workflows/${workflowId}`);
	const started = (await rest('POST', `/rest/workflows/${workflowId}/run`, { workflowData, ...body })) as { executionId: string };
	const deadline = Date.now() + timeoutMs;
	let execution: { status: string; data: string } | undefined;
	while (!['success', 'error', 'crashed'].includes(execution?.status ?? '')) {
		if (Date.now() > deadline) throw new Error(`execution ${started.executionId} did not finish within ${timeoutMs / 1000} s (status ${execution?.status})`);
		await new Promise((resolve) => setTimeout(resolve, 300));
		execution = (await rest('GET', `/rest/executions/${started.executionId}`)) as typeof execution;
	}
	return { status: execution!.status, run: { data: parseFlatted(instance, execution!.data) } as RunJson };
}

/** Execution data is stored in n8n's "flatted" form; read it with n8n's own copy of flatted. */
export function parseFlatted(instance: N8nInstance, data: string): RunJson['data'] {
	const { parse } = require(require.resolve('flatted', { paths: [path.join(instance.runtime.dir, 'node_modules', 'n8n')] }));
	return parse(data);
}

export interface FinishedExecution {
	id: string;
	status: string;
	/** Items of each output of each node that ran, by node name. */
	outputs(node: string): Array<Array<{ json: Record<string, unknown> }>>;
}

/**
 * The finished executions of a workflow, oldest first, read through the REST API the executions list uses
 * (n8n's own records of what ran, not anything the node reported).
 */
export async function finishedExecutions(instance: N8nInstance, rest: Awaited<ReturnType<typeof restSession>>, workflowId: string): Promise<FinishedExecution[]> {
	const executions: FinishedExecution[] = [];
	for (const row of await finishedExecutionIds(rest, workflowId)) {
		const full = (await rest('GET', `/rest/executions/${row.id}`)) as { status: string; data: string };
		const data = parseFlatted(instance, full.data);
		executions.push({
			id: row.id,
			status: full.status,
			outputs: (node) => (data.resultData.runData[node]?.[0]?.data?.main ?? []).map((items) => (items ?? []) as Array<{ json: Record<string, unknown> }>),
		});
	}
	return executions;
}

/** The ids and statuses of a workflow's finished executions (the newest 100), oldest first. */
export async function finishedExecutionIds(rest: Awaited<ReturnType<typeof restSession>>, workflowId: string): Promise<Array<{ id: string; status: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const listed = (await rest('GET', `/rest/executions?filter=${filter}&limit=100`)) as { results?: Array<{ id: string; status: string }> } | Array<{ id: string; status: string }>;
	const rows = (Array.isArray(listed) ? listed : (listed.results ?? [])).filter((row) => !['running', 'new', 'waiting'].includes(row.status));
	return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Makes a workflow active from the CLI while n8n is not running: `publish:workflow` where n8n has it (the
 * editor's Publish), `update:workflow --active=true` on the versions before publishing existed.
 */
export async function publishWorkflow(instance: N8nInstance, workflowId: string) {
	const canPublish = fs.existsSync(path.join(instance.runtime.dir, 'node_modules', 'n8n', 'dist', 'commands', 'publish'));
	const args = canPublish ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
	const published = await n8nCli(instance, args);
	if (published.status !== 0) throw new Error(`n8n ${args.join(' ')} failed: ${published.stderr || published.stdout}`);
}

/** The opposite of publishWorkflow. */
export async function unpublishWorkflow(instance: N8nInstance, workflowId: string) {
	const canPublish = fs.existsSync(path.join(instance.runtime.dir, 'node_modules', 'n8n', 'dist', 'commands', 'unpublish'));
	const args = canPublish ? ['unpublish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=false'];
	const done = await n8nCli(instance, args);
	if (done.status !== 0) throw new Error(`n8n ${args.join(' ')} failed: ${done.stderr || done.stdout}`);
}

/** A workflow as n8n stored it (`n8n export:workflow`), e.g. to import it into another n8n. */
export async function exportWorkflow(instance: N8nInstance, workflowId: string): Promise<Record<string, unknown> & { nodes: Array<Record<string, unknown>>; staticData?: unknown }> {
	const file = path.join(instance.home, `export-${workflowId}-${Date.now()}.json`);
	const exported = await n8nCli(instance, ['export:workflow', `--id=${workflowId}`, `--output=${file}`]);
	if (exported.status !== 0) throw new Error(`n8n export:workflow --id=${workflowId} failed: ${exported.stderr || exported.stdout}`);
	const [workflow] = JSON.parse(fs.readFileSync(file, 'utf8'));
	fs.rmSync(file);
	return workflow;
}

/**
 * Activates a workflow the way the editor does, in a running n8n: save (which records a version in n8n's
 * history) and publish that version. For n8n 2.0, whose CLI import records no version, so that its
 * `publish:workflow` refuses the workflow ("Version … not found").
 */
export async function activateViaRest(rest: Awaited<ReturnType<typeof restSession>>, workflowId: string) {
	const stored = (await rest('GET', `/rest/workflows/${workflowId}`)) as { nodes: Array<{ position: [number, number] }>; connections: unknown; name: string };
	// Moved by one pixel, so the save is a change and n8n records a version of it.
	const nodes = stored.nodes.map((node, i) => (i === 0 ? { ...node, position: [node.position[0] + 1, node.position[1]] } : node));
	const saved = (await rest('PATCH', `/rest/workflows/${workflowId}`, { name: stored.name, nodes, connections: stored.connections })) as { versionId: string };
	await rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: saved.versionId });
}
