/**
 * `npm run probe -- --base-url <sandbox URL> [--creditor-id ID] [--seller-id ID] [--write [--yes]
 *   [--creditor-email EMAIL] [--sms-to NUMBER]] [--json report.json]`
 *
 * Checks a real Cash-In API against this package's contract and says what to change where. The partner
 * key comes from CASHIN_API_KEY only (never the command line) and is never printed; it, and every other
 * secret a response carries, is masked in every line and file the probe writes.
 * Exit code: 0 = everything matches, 1 = differences (listed), 2 = the probe could not run.
 */
import * as fs from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

import { type ProbeReport, runProbe } from './probe/probe';

const SECRET_FIELD = /key|token|secret|password/i;

/** Collects the values of secret-looking fields, so they can be masked wherever they would appear. */
export function secretsIn(value: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((v) => secretsIn(v, found));
	else if (value && typeof value === 'object') {
		for (const [name, field] of Object.entries(value)) {
			if (typeof field === 'string' && SECRET_FIELD.test(name) && field.length >= 6) found.add(field);
			else secretsIn(field, found);
		}
	}
	return found;
}

export const masker = (secrets: Iterable<string>) => {
	const list = [...secrets].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
	return (text: string) => list.reduce((out, secret) => out.split(secret).join(`••••${secret.slice(-4)}`), text);
};

export function formatReport(report: ProbeReport): string[] {
	const lines: string[] = [`Cash-In contract probe: ${report.baseUrl}`, ''];
	for (const check of report.checks) {
		const status = check.status === undefined ? 'no answer' : `HTTP ${check.status}`;
		const verdict = check.note && !check.findings.length ? check.note : check.findings.length ? `${check.findings.length} difference${check.findings.length > 1 ? 's' : ''}` : 'matches the contract';
		lines.push(`${check.findings.length || check.keyRefused ? '✘' : '✔'} ${check.check}  ${check.reachable ? 'reachable' : 'unreachable'}, ${status}, ${check.ms} ms: ${verdict}`);
		for (const finding of check.findings) {
			lines.push(`    - ${finding.kind}${finding.path ? ` ${finding.path}` : ''}: ${finding.detail}`);
			lines.push(`      change: ${finding.contractEntry}`);
		}
		if (check.note && check.findings.length) lines.push(`    note: ${check.note}`);
	}
	const differences = report.checks.reduce((n, c) => n + c.findings.length, 0);
	lines.push('');
	lines.push(
		report.matches
			? `All ${report.checks.length} checks match the contract.`
			: `${differences} difference${differences === 1 ? '' : 's'} in ${report.checks.filter((c) => c.findings.length).length} of ${report.checks.length} checks. ` +
					'Change the contract entries named above (the node, the emulator and the tests follow them), or attach the --json report to an issue.',
	);
	return lines;
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			'base-url': { type: 'string' },
			'creditor-id': { type: 'string' },
			'seller-id': { type: 'string' },
			'creditor-email': { type: 'string' },
			'sms-to': { type: 'string' },
			write: { type: 'boolean', default: false },
			yes: { type: 'boolean', default: false },
			json: { type: 'string' },
			'api-key': { type: 'string' },
		},
		strict: true,
	});
	if (values['api-key'] !== undefined) {
		console.error('Refused: pass the partner key in the CASHIN_API_KEY environment variable, not on the command line (it would stay in your shell history).');
		return 2;
	}
	const apiKey = process.env.CASHIN_API_KEY;
	const baseUrl = values['base-url'];
	if (!apiKey || !baseUrl) {
		console.error('Usage: CASHIN_API_KEY=… npm run probe -- --base-url <sandbox URL> [--creditor-id ID] [--seller-id ID] [--write [--yes] [--creditor-email EMAIL] [--sms-to NUMBER]] [--json report.json]');
		return 2;
	}
	if (!/^https?:\/\//.test(baseUrl)) {
		console.error(`--base-url must start with https:// (got "${baseUrl}")`);
		return 2;
	}
	if (values.write) {
		const changes = [
			values['creditor-id'] && values['creditor-email'] ? `update creditor ${values['creditor-id']} with its stored email ${values['creditor-email']} (no change)` : undefined,
			values['sms-to'] ? `send one SMS to ${values['sms-to']}` : undefined,
		].filter(Boolean);
		if (!changes.length) {
			console.error('--write needs --creditor-id with --creditor-email, and/or --sms-to.');
			return 2;
		}
		if (!values.yes) {
			const rl = createInterface({ input: process.stdin, output: process.stdout });
			// No terminal (stdin closed or piped empty) counts as "no".
			const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
			const answer = await Promise.race([rl.question(`--write will ${changes.join(' and ')} at ${baseUrl}. Go on? [y/N] `), closed]);
			rl.close();
			if (!/^y(es)?$/i.test(answer.trim())) {
				console.error('Nothing was changed.');
				return 2;
			}
		}
	}

	const secrets = new Set<string>([apiKey]);
	const report = await runProbe({
		onBody: (body) => secretsIn(body, secrets),
		baseUrl,
		apiKey,
		creditorId: values['creditor-id'],
		sellerId: values['seller-id'],
		write: values.write,
		creditorEmail: values['creditor-email'],
		smsTo: values['sms-to'],
	});
	const mask = masker(secrets);
	for (const line of formatReport(report)) console.log(mask(line));
	if (values.json) {
		fs.writeFileSync(values.json, `${mask(JSON.stringify(report, null, 2))}\n`);
		console.log(`Report written to ${values.json}`);
	}
	return report.matches ? 0 : 1;
}

if (require.main === module) {
	main().then(
		(code) => (process.exitCode = code),
		(error) => {
			console.error(`The probe could not run: ${error instanceof Error ? error.message : error}`);
			process.exitCode = 2;
		},
	);
}
