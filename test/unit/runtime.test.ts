/**
 * The runtime installer never leaves a cache that looks complete but does not load: it checks what it
 * installed before writing the marker, re-checks a cached install on every use, and removes a failed one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { installOnce, RuntimeInstallError, runStep } from '../../testing/runtime';

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
