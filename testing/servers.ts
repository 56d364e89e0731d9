/**
 * The real database and queue servers of the queue-mode tier: PostgreSQL and Redis from the machine's
 * Debian packages (`.ci/run` apt-installs `postgresql` and `redis-server` when they are missing), each in a
 * throwaway folder on a free loopback port, stopped and removed by the process registry.
 *
 * Why Debian packages and not npm packages that ship binaries: these are the builds partners' servers
 * run, kept patched by the distribution, and they need no download at test time beyond apt's cache.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort } from './n8n';
import { removeOnExit, type ServerProcess, startServer } from './processes';

const INSTALL_HINT = 'On Debian or Ubuntu: apt-get install postgresql redis-server tinyproxy (.ci/run does this when they are missing).';

function which(command: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	return found.status === 0 ? found.stdout.trim() : undefined;
}

/** PostgreSQL's server binaries: on PATH, or in Debian's versioned folder (newest first). */
export function postgresBinaries(): { initdb: string; postgres: string } {
	const onPath = which('initdb') && which('postgres');
	if (onPath) return { initdb: which('initdb')!, postgres: which('postgres')! };
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
	versions.sort((a, b) => Number(b) - Number(a));
	if (!versions.length) throw new Error(`PostgreSQL's server (initdb, postgres) is not installed. ${INSTALL_HINT}`);
	const bin = path.join(root, versions[0], 'bin');
	return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

export interface Postgres {
	server: ServerProcess;
	port: number;
	database: string;
	user: string;
	/** n8n's database settings for this server. */
	n8nEnv: Record<string, string>;
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user the package made. */
function postgresUser(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0) throw new Error(`Running as root, but there is no "postgres" user to run PostgreSQL as. ${INSTALL_HINT}`);
	return { uid, gid: id('-g') };
}

export async function startPostgres(): Promise<Postgres> {
	const { initdb, postgres } = postgresBinaries();
	const owner = postgresUser();
	const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-postgres-')));
	const data = path.join(dir, 'data');
	if (owner) fs.chownSync(dir, owner.uid, owner.gid);
	const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
	const init = spawnSync(initdb, ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync'], { ...asOwner, encoding: 'utf8', cwd: dir });
	if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
	const port = await freePort();
	// Loopback TCP only (no socket file outside the folder); durability off: a test database.
	const server = startServer('postgres', postgres, ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'], { ...asOwner, cwd: dir });
	await server.waitForLine(/database system is ready to accept connections/, 60_000);
	return {
		server,
		port,
		database: 'postgres',
		user: 'postgres',
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
		},
	};
}

export interface Redis {
	server: ServerProcess;
	port: number;
	n8nEnv: Record<string, string>;
}

export async function startRedis(): Promise<Redis> {
	const binary = which('redis-server');
	if (!binary) throw new Error(`redis-server is not installed. ${INSTALL_HINT}`);
	const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-redis-')));
	const port = await freePort();
	const server = startServer('redis', binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], { cwd: dir });
	await server.waitForLine(/Ready to accept connections/, 30_000);
	return { server, port, n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) } };
}

export interface Proxy {
	server: ServerProcess;
	url: string;
	/** The request lines the proxy forwarded, e.g. `GET http://127.0.0.1:4010/partner/… HTTP/1.1`. */
	requests(): string[];
	/** Everything the proxy logged. */
	log(): string;
}

/**
 * An HTTP proxy (tinyproxy, Debian's package) on a free loopback port, standing in for the partner's
 * outgoing proxy with a fixed address. It adds a `Via` header to what it forwards and logs each request line.
 */
export async function startProxy(): Promise<Proxy> {
	const binary = which('tinyproxy');
	if (!binary) throw new Error(`tinyproxy is not installed. ${INSTALL_HINT}`);
	const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-proxy-')));
	const port = await freePort();
	const logFile = path.join(dir, 'tinyproxy.log');
	fs.writeFileSync(path.join(dir, 'tinyproxy.conf'), [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${logFile}"`, 'LogLevel Info', 'MaxClients 200', 'Allow 127.0.0.1', ''].join('\n'));
	const server = startServer('tinyproxy', binary, ['-d', '-c', path.join(dir, 'tinyproxy.conf')], { cwd: dir });
	const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
	const deadline = Date.now() + 15_000;
	while (!/Accepting connections/.test(log())) {
		if (server.exited || Date.now() > deadline) throw new Error(`tinyproxy did not start: ${log().slice(-500)}${server.lines.join('\n')}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		server,
		url: `http://127.0.0.1:${port}`,
		log,
		requests: () => [...log().matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((match) => match[1]),
	};
}
