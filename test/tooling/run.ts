/**
 * `npm run test:tooling`: n8n's own node tooling (`@n8n/node-cli`, what n8n's docs tell reviewers and
 * contributors to run) on a clean copy of the repository — the files git has, nothing built:
 *   1. `npx n8n-node build` and `npm run build` produce the same package: the same files, byte for byte, as
 *      `npm pack` would publish them;
 *   2. the nodes and the credential of that package load, with their codex files, icons and output schemas;
 *   3. `npx n8n-node lint` passes;
 *   4. `npm publish --dry-run` of the packed tarball runs everything but the upload.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createChecks, runTier } from '../../testing/checks';
import { PROJECT_ROOT } from '../../testing/paths';

const { check, finish } = createChecks();

/** Runs a command and returns its standard output (`withErrors`: both streams, as npm notices go to stderr). */
function run(command: string, args: string[], cwd: string, withErrors = false) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 });
	assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}):\n${(result.stdout + result.stderr).slice(-3000)}`);
	return withErrors ? `${result.stdout}\n${result.stderr}` : result.stdout;
}

/** The repository as a clean clone has it (plus files not yet committed, while working), without builds. */
function cleanCopy(): string {
	const target = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-tooling-'));
	const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], PROJECT_ROOT).split('\0').filter(Boolean);
	for (const file of files) {
		const from = path.join(PROJECT_ROOT, file);
		if (!fs.existsSync(from)) continue; // deleted, not yet committed
		fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
		fs.copyFileSync(from, path.join(target, file));
	}
	// The installed dependencies, shared: the lockfile is the same, and a second install proves nothing here.
	fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(target, 'node_modules'), 'dir');
	return target;
}

/** What `npm pack` would publish: each file's path and the sha256 of its content. */
function packedFiles(dir: string): Map<string, string> {
	const [listing] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], dir)) as Array<{ files: Array<{ path: string }> }>;
	return new Map(listing.files.map((file) => [file.path, createHash('sha256').update(fs.readFileSync(path.join(dir, file.path))).digest('hex')]));
}

async function main() {
	const started = Date.now();
	console.log("n8n's node tooling on a clean copy of the repository");
	const copy = cleanCopy();
	try {
		let byNodeCli = new Map<string, string>();
		let byNpm = new Map<string, string>();

		await check('`npx n8n-node build` and `npm run build` produce the same package, file for file', () => {
			run('npx', ['--no-install', 'n8n-node', 'build'], copy);
			byNodeCli = packedFiles(copy);
			run('npm', ['run', 'build', '--silent'], copy);
			byNpm = packedFiles(copy);
			const names = (files: Map<string, string>) => [...files.keys()].sort();
			assert.deepEqual(names(byNodeCli), names(byNpm));
			const differ = [...byNpm].filter(([file, hash]) => byNodeCli.get(file) !== hash).map(([file]) => file);
			assert.deepEqual(differ, [], 'files whose content differs between the two builds');
		});

		await check('the package holds the nodes, the credential, their codex files, icons and output schemas, and nothing else', () => {
			const files = [...byNpm.keys()];
			for (const expected of [
				'package.json',
				'dist/nodes/CashInPartner/CashInPartner.node.js',
				'dist/nodes/CashInPartner/CashInPartnerTrigger.node.js',
				'dist/nodes/CashInPartner/CashInPartner.node.json',
				'dist/nodes/CashInPartner/CashInPartnerTrigger.node.json',
				'dist/nodes/CashInPartner/cashInPartner.svg',
				'dist/nodes/CashInPartner/cashInPartner.dark.svg',
				'dist/nodes/CashInPartner/__schema__/v2.0.0/sms/send.json',
				'dist/nodes/CashInPartner/__schema__/v1.0.0/output.json',
				'dist/credentials/CashInPartnerApi.credentials.js',
				'dist/credentials/cashInPartner.svg',
			]) {
				assert.ok(files.includes(expected), `${expected} is missing`);
			}
			const outside = files.filter((file) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(file) && !/^dist\/(nodes|credentials)\//.test(file));
			assert.deepEqual(outside, [], 'files outside dist/nodes and dist/credentials');
		});

		await check('the built nodes and credential load and describe themselves', () => {
			const script = `
				const pkg = require('./package.json');
				const out = [];
				for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
					const exported = require('./' + file);
					const Class = Object.values(exported)[0];
					const instance = new Class();
					out.push(instance.description ? instance.description.name : instance.name);
				}
				console.log(JSON.stringify(out));`;
			const names = JSON.parse(run(process.execPath, ['-e', script], copy).trim());
			assert.deepEqual(names, ['cashInPartner', 'cashInPartnerTrigger', 'cashInPartnerApi']);
		});

		await check('`npx n8n-node lint` passes', () => {
			run('npx', ['--no-install', 'n8n-node', 'lint'], copy);
		});

		await check('`npm publish --dry-run` of the packed tarball: everything but the upload', () => {
			const tarball = run('npm', ['pack', '--silent', '--ignore-scripts'], copy).trim().split('\n').pop()!;
			const output = run('npm', ['publish', '--dry-run', '--ignore-scripts', path.join(copy, tarball)], copy, true);
			assert.match(output, /n8n-nodes-cash-in-partner@\d+\.\d+\.\d+/);
		});
	} finally {
		fs.rmSync(copy, { recursive: true, force: true });
	}
	finish('@n8n/node-cli', started);
}

runTier(main);
