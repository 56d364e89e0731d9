/**
 * `npm run scan` (run by `npm test` on this package) must be able to fail: a copy of the package with a
 * runtime dependency and a forbidden import, packed and scanned the same way, is refused with the rules
 * n8n's scanner would name.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const scan = (packageDir: string) =>
	spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'scan.mjs'), '--package-dir', packageDir], { cwd: ROOT, encoding: 'utf8' });

let copy: string;
beforeAll(() => {
	copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-scan-copy-'));
	for (const entry of ['package.json', 'README.md', 'LICENSE', 'dist', 'nodes', 'credentials']) {
		fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
	}
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

test('the built package as it is passes', () => {
	const result = scan(copy);
	expect(result.stdout).toContain('passes n8n');
	expect(result.status).toBe(0);
}, 60_000);

test('a runtime dependency, a forbidden import in the tarball and one in the source are each refused', () => {
	const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8'));
	manifest.dependencies = { axios: '1.18.0' };
	fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
	const compiled = path.join(copy, 'dist', 'nodes', 'CashInPartner', 'transport', 'index.js');
	fs.appendFileSync(compiled, "\nconst leak = require('child_process');\n");
	const source = path.join(copy, 'nodes', 'CashInPartner', 'transport', 'settings.ts');
	fs.writeFileSync(source, `import { readFileSync } from 'fs';\nexport const sneaky = readFileSync;\n${fs.readFileSync(source, 'utf8')}`);

	const result = scan(copy);
	expect(result.status).toBe(1);
	expect(result.stdout).toContain('would fail');
	expect(result.stdout).toMatch(/✘ packed tarball[\s\S]*package\.json[\s\S]*no-runtime-dependencies/);
	expect(result.stdout).toMatch(/dist\/nodes\/CashInPartner\/transport\/index\.js[\s\S]*child_process/);
	expect(result.stdout).toMatch(/✘ source[\s\S]*nodes\/CashInPartner\/transport\/settings\.ts[\s\S]*'fs'/);
}, 60_000);
