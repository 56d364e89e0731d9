/**
 * The layout's boundaries, checked: the package n8n loads (nodes/, credentials/) imports nothing that is
 * not published with it and holds nothing only tests use; the emulator reads the contract through its
 * public modules only. The lint rule that enforces the first is itself tested here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';


const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_DIRS = ['nodes', 'credentials'];
/** What n8n lets community node code import (besides relative paths), as this package uses it. */
const ALLOWED_MODULES = new Set(['n8n-workflow', 'zod', 'luxon', 'crypto', 'node:crypto']);

function filesUnder(dir: string): string[] {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const relative = path.join(dir, entry.name);
		if (entry.isDirectory()) return filesUnder(relative);
		return entry.name.endsWith('.ts') ? [relative] : [];
	});
}

const importsOf = (file: string) =>
	[...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]);

const resolveFrom = (file: string, specifier: string) => path.normalize(path.join(path.dirname(file), specifier));

const packageFiles = PACKAGE_DIRS.flatMap(filesUnder);
const testSources = () => filesUnder('test').map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8'));

test('the package imports only its own files and the modules n8n provides', () => {
	const outside: string[] = [];
	for (const file of packageFiles) {
		for (const specifier of importsOf(file)) {
			if (!specifier.startsWith('.')) {
				if (!ALLOWED_MODULES.has(specifier)) outside.push(`${file}: ${specifier}`);
				continue;
			}
			const target = resolveFrom(file, specifier);
			if (!PACKAGE_DIRS.some((dir) => target.startsWith(`${dir}${path.sep}`))) outside.push(`${file}: ${specifier}`);
		}
	}
	expect(outside).toEqual([]);
});

test('every module of the package is used by the nodes or the credential, not only by tests', () => {
	const entries = ['nodes/CashInPartner/CashInPartner.node.ts', 'nodes/CashInPartner/CashInPartnerTrigger.node.ts', 'credentials/CashInPartnerApi.credentials.ts'];
	const reached = new Set<string>();
	const visit = (file: string) => {
		if (reached.has(file)) return;
		reached.add(file);
		for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
			const target = resolveFrom(file, specifier);
			visit(fs.existsSync(path.join(ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, 'index.ts'));
		}
	};
	entries.forEach(visit);
	expect(packageFiles.filter((file) => !reached.has(file))).toEqual([]);
});

test('every export of the package that is code is used inside the package', () => {
	const sources = new Map(packageFiles.map((file) => [file, fs.readFileSync(path.join(ROOT, file), 'utf8')]));
	const unused: string[] = [];
	for (const [file, source] of sources) {
		// Code, not types: a type is the contract's public shape (the emulator reads it) and ships no JavaScript.
		for (const [, name] of source.matchAll(/^export (?:async )?(?:const|function|class|enum) (\w+)/gm)) {
			const uses = [...sources.values()].reduce((count, text) => count + (text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0), 0);
			// The operation modules' own exports are read through their resource's namespace (e.g. sms.send.prepare).
			const viaNamespace = /\.operation\.ts$/.test(file) && ['description', 'effect', 'prepare'].includes(name);
			// What a test needs to stand for n8n itself (e.g. a restart), named so; a test must use it.
			const forTests = /ForTests$/.test(name) && testSources().some((text) => new RegExp(`\\b${name}\\b`).test(text));
			if (uses < 2 && !viaNamespace && !forTests && !/\.(node|credentials)\.ts$/.test(file)) unused.push(`${file}: ${name}`);
		}
	}
	expect(unused).toEqual([]);
});

test('the emulator reads the contract through its public modules only', () => {
	const reachIn: string[] = [];
	for (const file of filesUnder('emulator')) {
		for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
			const target = resolveFrom(file, specifier);
			if (target.startsWith(`nodes${path.sep}`) && !/^nodes\/CashInPartner\/(contract|validation)\//.test(target)) reachIn.push(`${file}: ${specifier}`);
		}
	}
	expect(reachIn).toEqual([]);
});

describe('the lint rule (npm run lint, as a separate process: its config is an ES module)', () => {
	const restricted = async (source: string) => {
		// NODE_ENV cleared as for `npm run lint`: under jest's "test", n8n's plugin misreads node file names.
		const { NODE_ENV: _testEnv, ...env } = process.env;
		const lint = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'eslint'), ['--stdin', '--stdin-filename', 'nodes/CashInPartner/actions/boundaryProbe.ts', '--format', 'json'], {
			cwd: ROOT,
			input: source,
			encoding: 'utf8',
			env,
		});
		const [result] = JSON.parse(lint.stdout) as Array<{ messages: Array<{ ruleId: string | null }> }>;
		return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').length;
	};

	test.each([
		["import { startEmulator } from '../../../emulator/server';"],
		["import { prepareN8n } from '../../../testing/n8n';"],
		["import { run } from '../../../test/harness/fixtures';"],
		["import { runProbe } from '../../../tools/probe/probe';"],
	])('refuses %s in the package', async (line) => {
		expect(await restricted(`${line}\nexport const used = [${line.match(/\{ (\w+) \}/)![1]}];\n`)).toBe(1);
	});

	test('lets the package import its own modules', async () => {
		expect(await restricted("import { ENDPOINTS } from '../contract/endpoints';\nexport const used = ENDPOINTS;\n")).toBe(0);
	});
});
