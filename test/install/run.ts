/**
 * `npm run test:install`: n8n's own Community Nodes installer installs the package by name, the way users
 * install it, from a real npm registry (verdaccio) holding the packed package:
 *   (a) Settings → Community Nodes → Install (the REST call the button makes), then update to a newer
 *       version and uninstall through the same API;
 *   (b) `N8N_COMMUNITY_PACKAGES` at startup (Docker-style, n8n >= 2.21);
 * each followed by a workflow run against the Cash-In emulator, plus the failures a user can meet (a name
 * that does not exist, a registry that is down) leaving a working n8n behind.
 *
 * Why a network namespace: n8n 2.41 always hands npm the registry `https://registry.npmjs.org`, and pointing
 * it anywhere else (N8N_COMMUNITY_PACKAGES_REGISTRY) is an Enterprise-licence feature. So the test runs n8n,
 * verdaccio and the emulator inside a private network namespace whose /etc/hosts maps registry.npmjs.org to
 * its own loopback, where verdaccio answers over TLS with a certificate from a throwaway CA that only the
 * processes of this test trust. n8n runs with its default settings; nothing reaches the real registry.
 * Needs root (ip netns); the outer process sets it up, runs itself inside it, and removes it.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type Emulator, startEmulator } from '../../emulator/server';
import { EMULATOR_CREDENTIAL } from '../../testing/n8n';
import { createChecks, delay } from '../../testing/checks';
import {
	importCredentials,
	importWorkflows,
	type N8nInstance,
	PACKAGE_NAME,
	prepareN8n,
	restSession,
	runViaRest,
	setUpOwner,
	startN8nServer,
	stopN8nServer,
} from '../../testing/n8n';
import { ensureN8n, ensureVerdaccio } from '../../testing/runtime';
import { PROJECT_ROOT } from '../../testing/paths';

const ROOT = PROJECT_ROOT;
const REGISTRY_HOST = 'registry.npmjs.org';
const NETNS_ENV = 'CASHIN_INSTALL_E2E_NETNS';
const { check, failed, summary } = createChecks();

// ---------------------------------------------------------------------------------------------------
// Outside: install what is needed from the real registry, then re-run this script in a namespace.

function sh(command: string, args: string[]) {
	const result = spawnSync(command, args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.error?.message}`);
	return result.stdout;
}

async function outer() {
	if (process.getuid?.() !== 0) throw new Error('npm run test:install needs root: it creates a private network namespace (ip netns) for n8n and the registry.');
	await ensureN8n();
	await ensureVerdaccio();
	const name = `cashin-install-${process.pid}`;
	const etc = path.join('/etc/netns', name);
	const cleanup = () => {
		spawnSync('ip', ['netns', 'delete', name]);
		fs.rmSync(etc, { recursive: true, force: true });
	};
	sh('ip', ['netns', 'add', name]);
	try {
		fs.mkdirSync(etc, { recursive: true });
		// `ip netns exec` bind-mounts these over /etc/hosts and /etc/resolv.conf inside the namespace only.
		fs.writeFileSync(path.join(etc, 'hosts'), `127.0.0.1 localhost ${REGISTRY_HOST}\n::1 localhost\n`);
		fs.writeFileSync(path.join(etc, 'resolv.conf'), '# no name server inside the test namespace\n');
		sh('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
		// Its own process group, so that on Ctrl-C it can take n8n, npm and verdaccio down with it.
		const child = spawn('ip', ['netns', 'exec', name, process.execPath, __filename], { stdio: 'inherit', detached: true, env: { ...process.env, [NETNS_ENV]: name } });
		const forward = (signal: NodeJS.Signals) => child.kill(signal);
		process.on('SIGINT', forward);
		process.on('SIGTERM', forward);
		const code = await new Promise<number>((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
		process.exitCode = code;
	} finally {
		cleanup();
	}
}

// ---------------------------------------------------------------------------------------------------
// Inside the namespace.

interface Registry {
	child: ChildProcess;
	caFile: string;
	token: string;
	stop(): Promise<void>;
}

/** A throwaway CA and a certificate for registry.npmjs.org and 127.0.0.1, made with openssl. */
function makeCertificates(dir: string) {
	const file = (name: string) => path.join(dir, name);
	sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=cash-in install-e2e CA']);
	sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${REGISTRY_HOST}`]);
	fs.writeFileSync(file('san.ext'), `subjectAltName=DNS:${REGISTRY_HOST},IP:127.0.0.1\n`);
	sh('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('san.ext')]);
	return { ca: file('ca.pem'), key: file('server.key'), cert: file('server.pem') };
}

async function startRegistry(dir: string, certs: ReturnType<typeof makeCertificates>): Promise<Registry> {
	const verdaccio = await ensureVerdaccio();
	const config = path.join(dir, 'config.yaml');
	fs.writeFileSync(
		config,
		[
			`storage: ${path.join(dir, 'storage')}`,
			'auth:',
			'  htpasswd:',
			`    file: ${path.join(dir, 'htpasswd')}`,
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'https:',
			`  key: ${certs.key}`,
			`  cert: ${certs.cert}`,
			'log: { type: stdout, format: pretty, level: warn }',
			'',
		].join('\n'),
	);
	const child = spawn(verdaccio.nodeBin, [verdaccio.bin, '--config', config, '--listen', 'https://127.0.0.1:443'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca } });
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	// Node reads NODE_EXTRA_CA_CERTS when it starts: every child from here on (npm, n8n, the probes) trusts the CA.
	process.env.NODE_EXTRA_CA_CERTS = certs.ca;
	const ping = `fetch('https://${REGISTRY_HOST}/-/ping').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(2))`;
	for (let attempt = 0; spawnSync(process.execPath, ['-e', ping], { timeout: 5000 }).status !== 0; attempt++) {
		if (child.exitCode !== null) throw new Error(`verdaccio exited: ${output}`);
		if (attempt > 100) throw new Error(`verdaccio did not answer on https://${REGISTRY_HOST} within 20 s: ${output}`);
		await delay(200);
	}
	// A user for publishing, through the registry's own user API (what `npm adduser` calls); once per storage.
	const tokenFile = path.join(dir, 'publisher.token');
	if (!fs.existsSync(tokenFile)) {
		const created = spawnSync(
			process.execPath,
			[
				'-e',
				`fetch('https://${REGISTRY_HOST}/-/user/org.couchdb.user:publisher', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'publisher', password: 'Publisher-2026' }), signal: AbortSignal.timeout(10000) }).then(r => r.json()).then(b => { if (!b.token) throw new Error(JSON.stringify(b)); console.log(b.token); })`,
			],
			{ encoding: 'utf8', timeout: 15_000 },
		);
		if (created.status !== 0) throw new Error(`could not create a registry user: ${created.stderr}`);
		fs.writeFileSync(tokenFile, created.stdout.trim());
	}
	const stop = async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGTERM');
		await exited;
	};
	return { child, caFile: certs.ca, token: fs.readFileSync(tokenFile, 'utf8'), stop };
}

/** `npm pack` of the built package, optionally as another version (for the update check). */
function pack(work: string, version?: string): { tarball: string; version: string } {
	const source = fs.mkdtempSync(path.join(work, 'pkg-'));
	for (const entry of ['package.json', 'README.md', 'LICENSE', 'dist']) fs.cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
	const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
	if (version) manifest.version = version;
	fs.writeFileSync(path.join(source, 'package.json'), JSON.stringify(manifest, null, 2));
	const packed = spawnSync('npm', ['pack', source, '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	return { tarball: path.join(work, packed.stdout.trim().split('\n').pop()!), version: manifest.version };
}

function publish(work: string, registry: Registry, tarball: string) {
	// Published to the loopback address, never to a name: even outside the namespace this cannot reach npm.
	const result = spawnSync(
		'npm',
		['publish', tarball, '--registry=https://127.0.0.1/', `--//127.0.0.1/:_authToken=${registry.token}`, `--cafile=${registry.caFile}`, '--ignore-scripts', '--tag', 'latest'],
		{ cwd: work, encoding: 'utf8', env: { ...process.env, npm_config_cache: path.join(work, 'npm-cache') } },
	);
	if (result.status !== 0) throw new Error(`npm publish failed: ${result.stderr}`);
}

type Rest = Awaited<ReturnType<typeof restSession>>;
interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ type: string; name: string }>;
}

const WORKFLOW_ID = 'CashInCredsAgreemts';
const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'creditor-credentials-and-agreements.json'), 'utf8'));

async function runExample(n8n: N8nInstance, rest: Rest, emulator: Emulator) {
	const before = emulator.requestsTo('getCreditorCredentials').length;
	const { status, run } = await runViaRest(n8n, rest, WORKFLOW_ID, { triggerToStartFrom: { name: 'Start' } });
	assert.equal(status, 'success', JSON.stringify(run.data.resultData.error ?? {}).slice(0, 500));
	const agreements = run.data.resultData.runData['Get agreement identifiers']?.[0]?.data?.main[0] ?? [];
	assert.deepEqual(agreements.map((item) => item.json.agreementId), ['CRM-1000', 'ERP-5000']);
	assert.equal(emulator.requestsTo('getCreditorCredentials').length, before + 1, 'the emulator did not receive the request');
}

const installedFolder = (n8n: N8nInstance) => path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
const installedVersionOnDisk = (n8n: N8nInstance) => JSON.parse(fs.readFileSync(path.join(installedFolder(n8n), 'package.json'), 'utf8')).version as string;
const nodesFolderEntries = (n8n: N8nInstance) => {
	const dir = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules');
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => !entry.startsWith('.')) : [];
};

/** n8n with default community-package settings, trusting the test CA, its npm cache inside the test folder. */
async function n8nFor(work: string, registry: Registry, label: string, env: NodeJS.ProcessEnv = {}) {
	return prepareN8n({
		home: fs.mkdtempSync(path.join(work, `${label}-`)),
		installPackage: false,
		env: {
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			NODE_EXTRA_CA_CERTS: registry.caFile,
			npm_config_cafile: registry.caFile,
			npm_config_cache: path.join(work, 'npm-cache'),
			// npm's own back-off between retries (10–60 s by default): the same errors, sooner.
			npm_config_fetch_retry_mintimeout: '500',
			npm_config_fetch_retry_maxtimeout: '1000',
			...env,
		},
	});
}

async function withServer(n8n: N8nInstance, emulator: Emulator, body: (rest: Rest) => Promise<void>) {
	const logLines: string[] = [];
	const server = await startN8nServer(n8n, (line) => logLines.push(line));
	try {
		await setUpOwner(n8n);
		const rest = await restSession(n8n);
		await importCredentials(n8n, [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }]);
		await importWorkflows(n8n, [example]);
		await body(rest);
	} catch (error) {
		console.log(`    n8n log (last lines):\n      ${logLines.slice(-25).join('\n      ')}`);
		throw error;
	} finally {
		await stopN8nServer(server);
	}
}

async function inner() {
	const started = Date.now();
	console.log(`Installer e2e: n8n's Community Nodes installer, a real npm registry (namespace ${process.env[NETNS_ENV]})`);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-install-'));
	// Interrupted: remove the temp folder, then end the whole process group (n8n, npm, verdaccio, this).
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			console.log(`\n${signal}: stopping n8n and the registry, removing ${work}`);
			fs.rmSync(work, { recursive: true, force: true });
			process.kill(-process.pid, 'SIGKILL');
		});
	}
	const emulator = await startEmulator({ recordRequests: true });
	emulator.seedDemo();
	let registry: Registry | undefined;
	try {
		console.log('  starting verdaccio on https://registry.npmjs.org (inside the namespace) and publishing the package…');
		const certificates = makeCertificates(work);
		registry = await startRegistry(work, certificates);
		const first = pack(work);
		const newer = pack(work, `${first.version.replace(/-.*$/, '')}-e2e.${Date.now()}`);
		publish(work, registry, first.tarball);
		const reg = registry;

		const ui = await n8nFor(work, reg, 'ui');
		await withServer(ui, emulator, async (rest) => {
			await check(`Install (Settings → Community Nodes): ${PACKAGE_NAME} by name, then a workflow runs`, async () => {
				const installed = (await rest('POST', '/rest/community-packages', { name: PACKAGE_NAME })) as InstalledPackage;
				assert.equal(installed.installedVersion, first.version);
				assert.deepEqual(installed.installedNodes.map((node) => node.type).sort(), [`${PACKAGE_NAME}.cashInPartner`, `${PACKAGE_NAME}.cashInPartnerTrigger`]);
				assert.ok(!fs.existsSync(path.join(installedFolder(ui), 'node_modules')), 'the installer added dependencies to the package');
				await runExample(ui, rest, emulator);
			});

			await check('Update to a newer version through the same API: the new version is loaded and runs', async () => {
				publish(work, reg, newer.tarball);
				const updated = (await rest('PATCH', '/rest/community-packages', { name: PACKAGE_NAME, version: newer.version })) as InstalledPackage;
				assert.equal(updated.installedVersion, newer.version);
				assert.equal(installedVersionOnDisk(ui), newer.version);
				const listed = (await rest('GET', '/rest/community-packages')) as InstalledPackage[];
				assert.deepEqual(listed.map((p) => [p.packageName, p.installedVersion]), [[PACKAGE_NAME, newer.version]]);
				assert.ok(!nodesFolderEntries(ui).some((entry) => entry.includes('.backup-')), 'a backup folder was left behind');
				await runExample(ui, rest, emulator);
			});

			await check('A package name that does not exist: a clear error, nothing installed, n8n unchanged', async () => {
				const response = await rest('POST', '/rest/community-packages', { name: 'n8n-nodes-cash-in-partner-does-not-exist' }).then(
					() => undefined,
					(error: Error) => error.message,
				);
				assert.match(String(response), /HTTP [45]\d\d .*Package version does not exist/);
				assert.deepEqual(nodesFolderEntries(ui), [PACKAGE_NAME]);
				await runExample(ui, rest, emulator);
			});

			await check('Uninstall: the package and its nodes are gone, n8n goes on working', async () => {
				await rest('DELETE', `/rest/community-packages?name=${PACKAGE_NAME}`);
				assert.deepEqual(await rest('GET', '/rest/community-packages'), []);
				assert.ok(!fs.existsSync(installedFolder(ui)), 'the package folder is still there');
				const outcome = await runViaRest(ui, rest, WORKFLOW_ID, { triggerToStartFrom: { name: 'Start' } }).then(
					({ status }) => status,
					(error: Error) => error.message,
				);
				assert.notEqual(outcome, 'success', 'a workflow using the removed node still ran');
				const health = await fetch(`http://127.0.0.1:${ui.port}/healthz`);
				assert.equal(health.status, 200);
			});

			await check('The registry is down: installing fails with a message, nothing half-installed is left', async () => {
				await reg.stop();
				const message = await rest('POST', '/rest/community-packages', { name: PACKAGE_NAME }).then(
					() => 'installed',
					(error: Error) => error.message,
				);
				assert.match(message, /HTTP [45]\d\d/);
				assert.deepEqual(nodesFolderEntries(ui), []);
				assert.deepEqual(await rest('GET', '/rest/community-packages'), []);
			});
		});

		console.log('  restarting the registry; starting n8n with N8N_COMMUNITY_PACKAGES…');
		registry = await startRegistry(work, certificates); // the same storage: both versions are still published
		const docker = await n8nFor(work, registry, 'env', {
			N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
			N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PACKAGE_NAME, version: newer.version }]),
		});
		await withServer(docker, emulator, async (rest) => {
			await check('N8N_COMMUNITY_PACKAGES at startup: installed before the editor opens, then a workflow runs', async () => {
				const listed = (await rest('GET', '/rest/community-packages')) as InstalledPackage[];
				assert.deepEqual(listed.map((p) => [p.packageName, p.installedVersion]), [[PACKAGE_NAME, newer.version]]);
				assert.equal(installedVersionOnDisk(docker), newer.version);
				await runExample(docker, rest, emulator);
				const refused = await rest('DELETE', `/rest/community-packages?name=${PACKAGE_NAME}`).then(() => 'removed', (error: Error) => error.message);
				assert.match(refused, /managed via environment variables/);
			});
		});
	} finally {
		await registry?.stop();
		await emulator.close();
		fs.rmSync(work, { recursive: true, force: true });
	}
	console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
	console.log(summary());
	process.exitCode = failed() ? 1 : 0;
}

(process.env[NETNS_ENV] ? inner() : outer()).catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
