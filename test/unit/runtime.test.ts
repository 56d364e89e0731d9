/**
 * The runtime installer never leaves a cache that looks complete but does not load: it checks what it
 * installed before writing the marker, re-checks a cached install on every use, and removes a failed one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n, installOnce, nodeFor, RuntimeInstallError, runStep } from '../../testing/runtime';

let root: string;
beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-runtime-'));
	jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
	jest.restoreAllMocks();
	fs.rmSync(root, { recursive: true, force: true });
});

const writeModule = async (target: string) => fs.writeFileSync(path.join(target, 'module.txt'), 'built');
const loads = async (target: string) => {
	if (fs.readFileSync(path.join(target, 'module.txt'), 'utf8') !== 'built') throw new Error('module.txt is not built');
};

test('a good install is checked, then marked complete, and reused without reinstalling', async () => {
	const dir = path.join(root, 'tool');
	const install = jest.fn(writeModule);
	await installOnce(dir, 'installing', install, loads);
	expect(fs.existsSync(path.join(dir, '.install-complete'))).toBe(true);
	await installOnce(dir, 'installing', install, loads);
	expect(install).toHaveBeenCalledTimes(1);
});

test('an install that does not load (the sqlite3 rebuild that built nothing) is removed, not marked', async () => {
	const dir = path.join(root, 'tool');
	const builtNothing = async (target: string) => fs.writeFileSync(path.join(target, 'module.txt'), '');
	await expect(installOnce(dir, 'installing', builtNothing, loads)).rejects.toThrow(/module\.txt is not built\nNothing was kept in .*tool; the next run starts the install again/);
	expect(fs.existsSync(dir)).toBe(false);
});

test('a failed install step is removed with its output in the message', async () => {
	const dir = path.join(root, 'tool');
	const failing = async (target: string) => {
		await runStep('npm install something', process.execPath, ['-e', 'console.error("npm error 404 Not Found - something"); process.exit(1)'], { cwd: target });
	};
	const error = await installOnce(dir, 'installing', failing, loads).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(RuntimeInstallError);
	expect((error as Error).message).toMatch(/npm install something failed \(exit 1\) after \d+ s:\n\s+npm error 404 Not Found - something/);
	expect(fs.existsSync(dir)).toBe(false);
});

test('a cached install marked complete that no longer loads (a half-installed runtime) is installed again', async () => {
	const dir = path.join(root, 'tool');
	fs.mkdirSync(dir);
	fs.writeFileSync(path.join(dir, '.install-complete'), 'an older installer wrote this without checking');
	const install = jest.fn(writeModule);
	await installOnce(dir, 'installing', install, loads);
	expect(install).toHaveBeenCalledTimes(1);
	await expect(loads(dir)).resolves.toBeUndefined();
});

describe('which Node an n8n version gets', () => {
	test.each([
		['1.123.81', '>=20.19 <= 24.x', '22.23.5'],
		['2.0.0', '>=20.19 <= 24.x', '22.23.5'],
		['2.17.7', '>=22.16', '22.23.5'],
		['2.41.1', '>=24.0.0', '24.21.0'],
		['2.99.0', undefined, '24.21.0'],
	])('n8n %s (engines %s) runs on Node %s', (n8n, engines, node) => {
		expect(nodeFor(n8n, engines)).toBe(node);
	});

	test('a range none of our Node versions satisfies is a clear error naming both', () => {
		expect(() => nodeFor('3.0.0', '>=26')).toThrow('n8n 3.0.0 needs Node >=26, and none of 22.23.5, 24.21.0 satisfies that');
	});

	test('an n8n version the registry does not have is refused by name before anything is installed', async () => {
		const previous = process.env.CASHIN_N8N_CACHE;
		process.env.CASHIN_N8N_CACHE = root;
		try {
			await expect(ensureN8n('1.0.999')).rejects.toThrow(/^n8n 1\.0\.999 is not on the npm registry this machine reaches/);
			expect(fs.readdirSync(root)).toEqual([]);
		} finally {
			if (previous === undefined) delete process.env.CASHIN_N8N_CACHE;
			else process.env.CASHIN_N8N_CACHE = previous;
		}
	}, 30_000);
});
