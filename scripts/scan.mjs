#!/usr/bin/env node
/**
 * `npm run scan`: what `npx @n8n/scan-community-package <name>` checks before n8n verifies a package, run
 * offline on what we are about to publish. It uses the scanner's own code (`analyzePackage`, its rule
 * set and its two file selections), not a copy:
 *   - the packed tarball: its compiled JavaScript and package.json;
 *   - the source: package.json and nodes/, credentials/ (what the scanner fetches from the commit the
 *     npm provenance points at).
 * The two online steps of the real scan (the provenance attestation on npm and the download of the
 * attested commit from GitHub) cannot run before publishing; the publish workflow provides them.
 *
 * Usage: node scripts/scan.mjs [--package-dir <folder with package.json>]   (default: this project)
 *        node scripts/scan.mjs --tarball <file.tgz>   (scan exactly the tarball that will be published)
 * Exit code 0 = no finding, 1 = findings (printed), 2 = the scan itself could not run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-plugin-n8n-nodes-base switches to its own rule-test file naming when NODE_ENV is "test" (as under
// jest) and then reports every node file as misnamed: scan as the real scanner runs, without it.
delete process.env.NODE_ENV;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argIndex = process.argv.indexOf('--package-dir');
const packageDir = path.resolve(argIndex > 0 ? process.argv[argIndex + 1] : ROOT);
const tarballIndex = process.argv.indexOf('--tarball');
const givenTarball = tarballIndex > 0 ? path.resolve(process.argv[tarballIndex + 1]) : undefined;

/** The files `npm pack` would publish, unpacked as the scanner unpacks a download. */
function packAndUnpack(work) {
	let tarball = givenTarball;
	if (!tarball) {
		// A neutral working directory: the project's .npmrc must not decide what a packed copy contains.
		const packed = spawnSync('npm', ['pack', packageDir, '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
		if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
		tarball = path.join(work, packed.stdout.trim().split('\n').pop());
	}
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	if (untar.status !== 0) throw new Error(`could not unpack ${tarball}`);
	return unpacked;
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-scan-'));
	try {
		const tarballDir = packAndUnpack(work);
		const legs = [
			{ name: 'packed tarball (**/*.js, package.json)', result: await analyzePackage(tarballDir, ['**/*.js', 'package.json']) },
			{ name: `source (${SOURCE_FILE_PATTERNS.join(', ')})`, result: await analyzePackage(packageDir, SOURCE_FILE_PATTERNS) },
		];
		let failed = false;
		for (const { name, result } of legs) {
			if (result.passed) {
				console.log(`✔ ${name}: no findings`);
			} else {
				failed = true;
				console.log(`✘ ${name}: ${result.message}`);
				if (result.details) console.log(result.details);
			}
		}
		const { name, version } = JSON.parse(fs.readFileSync(path.join(tarballDir, 'package.json'), 'utf8'));
		console.log(failed ? `${name}@${version} would fail n8n's community package scan.` : `${name}@${version} passes n8n's community package scan (offline part).`);
		process.exitCode = failed ? 1 : 0;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`The scan could not run: ${error.message}`);
	process.exitCode = 2;
});
