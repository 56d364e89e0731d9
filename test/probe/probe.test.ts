/**
 * The contract probe against the emulator: everything matches as it stands, and each drift a real API may
 * show (defined here, carried out by the emulator) is reported precisely — the right check, the right
 * field, the contract entry to change — and nothing else is.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type Drift, type Emulator, startEmulator } from '../../emulator/server';
import { DELIVERIES_MAX_PAGE_SIZE } from '../../nodes/CashInPartner/contract/endpoints';
import { lastPageOf, type ProbeReport, runProbe } from '../../tools/probe/probe';
import { makeDeliveries } from '../../emulator/seed';

const ROOT = path.resolve(__dirname, '..', '..');
let emulator: Emulator;
const CREDITOR = 'c_00001';

beforeAll(async () => {
	emulator = await startEmulator({ recordRequests: true });
	emulator.seedDemo();
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.drifts.length = 0;
	emulator.requests.length = 0;
});

const probe = (write = false) =>
	runProbe({
		baseUrl: emulator.baseUrl,
		apiKey: emulator.partnerKey,
		creditorId: CREDITOR,
		sellerId: CREDITOR,
		write,
		creditorEmail: 'billing@esimerkki.fi',
		smsTo: '+358401234567',
	});

/** Every finding, as "check | kind path | contract entry". */
const findingsOf = (report: ProbeReport) => report.checks.flatMap((c) => c.findings.map((f) => `${c.check} | ${f.kind} ${f.path} | ${f.contractEntry}`));

test('the emulator matches the contract: every check, read-only and --write', async () => {
	const report = await probe(true);
	expect(findingsOf(report)).toEqual([]);
	expect(report.matches).toBe(true);
	expect(report.checks.map((c) => c.check)).toEqual([
		'GET /token/validate',
		'GET /partner/creditors/{creditorId}/credentials (unknown creditor: error body)',
		'GET /partner/creditors/{creditorId}/credentials',
		'GET /partner/creditors/{creditorId}/agreements',
		'GET /partner/sellers/{sellerId}/deliveries (page 1, 500 per page)',
		'GET /partner/sellers/{sellerId}/deliveries (page 2, 60 per page)',
		'PUT /partner/creditors/{creditorId}',
		'POST /partner/sms',
	]);
	expect(report.checks.every((c) => c.reachable && c.status && c.status < 500)).toBe(true);
	// What --write sent: the email back unchanged, and one SMS.
	expect(emulator.requestsTo('updateCreditor').map((r) => r.body)).toEqual([{ creditor: { email: 'billing@esimerkki.fi' } }]);
	expect(emulator.requestsTo('sendSms')).toHaveLength(1);
});

test('a refused key stops the probe and fails it: nothing about the contract can be judged', async () => {
	const report = await runProbe({ baseUrl: emulator.baseUrl, apiKey: 'pk_not_a_partner_key', creditorId: CREDITOR });
	expect(report.checks.map((c) => [c.check, c.status, c.keyRefused, c.note])).toEqual([['GET /token/validate', 401, true, 'the key was not accepted']]);
	expect(report.matches).toBe(false);
});

test('a seller with more than 1,000 deliveries: paging is checked within the contract\'s page size, and matches', async () => {
	const seller = 'c_probe_big';
	emulator.state.addDeliveries(seller, makeDeliveries(1234, { today: emulator.state.now().slice(0, 10), perDay: 60, prefix: 'PB' }));
	const report = await runProbe({ baseUrl: emulator.baseUrl, apiKey: emulator.partnerKey, sellerId: seller });
	expect(findingsOf(report)).toEqual([]);
	expect(report.checks.map((c) => c.check).filter((name) => name.includes('deliveries'))).toEqual([
		'GET /partner/sellers/{sellerId}/deliveries (page 1, 500 per page)',
		'GET /partner/sellers/{sellerId}/deliveries (page 3, 500 per page)',
	]);
	const sizes = emulator.requests.filter((r) => r.endpoint === 'getSellerDeliveries').map((r) => Number(r.query.pageSize));
	expect(Math.max(...sizes)).toBeLessThanOrEqual(DELIVERIES_MAX_PAGE_SIZE);
	expect(emulator.requests.every((r) => (r.status ?? 0) < 400 || r.endpoint === 'getCreditorCredentials')).toBe(true);
});

test('the paging check never asks for more than the contract allows, whatever the count', () => {
	for (const total of [2, 3, 499, 500, 501, 999, 1000, 1001, 1234, 100_000]) {
		const { size, last, expected } = lastPageOf(total);
		expect(size).toBeLessThanOrEqual(DELIVERIES_MAX_PAGE_SIZE);
		expect(last).toBeGreaterThanOrEqual(2);
		expect(expected).toBeGreaterThan(0);
		expect((last - 1) * size + expected).toBe(total);
	}
});

test('read-only by default: nothing is updated or sent', async () => {
	await probe(false);
	expect(emulator.requests.filter((r) => r.method !== 'GET')).toEqual([]);
});

const drifts: Array<[string, Drift, string[]]> = [
	[
		'a renamed response field',
		{ kind: 'renameField', endpoint: 'getCreditorCredentials', path: 'apiKey', to: 'api_key' },
		[
			'GET /partner/creditors/{creditorId}/credentials | missing apiKey | nodes/CashInPartner/contract/schemas.ts › creditorCredentialsSchema.apiKey',
			'GET /partner/creditors/{creditorId}/credentials | unexpected api_key | nodes/CashInPartner/contract/schemas.ts › creditorCredentialsSchema.api_key',
		],
	],
	[
		'a path that answers 404',
		{ kind: 'pathGone', endpoint: 'getCreditorAgreements' },
		['GET /partner/creditors/{creditorId}/agreements | missing  | nodes/CashInPartner/contract/endpoints.ts › ENDPOINTS.getCreditorAgreements (GET /partner/creditors/{creditorId}/agreements)'],
	],
	[
		'an enum value the contract does not know',
		{ kind: 'enumValue', endpoint: 'getSellerDeliveries', path: 'deliveries[].status', value: 'RETURNED' },
		[
			'GET /partner/sellers/{sellerId}/deliveries (page 1, 500 per page) | enum deliveries[].status | nodes/CashInPartner/contract/endpoints.ts › DELIVERY_STATUSES',
			'GET /partner/sellers/{sellerId}/deliveries (page 2, 60 per page) | enum deliveries[].status | nodes/CashInPartner/contract/endpoints.ts › DELIVERY_STATUSES',
		],
	],
	[
		'an updatedAt the watchers cannot read (a local date format)',
		{ kind: 'enumValue', endpoint: 'getSellerDeliveries', path: 'deliveries[].updatedAt', value: '24.11.2026 klo 8.15' },
		['GET /partner/sellers/{sellerId}/deliveries (page 1, 500 per page) | type deliveries[].updatedAt | nodes/CashInPartner/contract/schemas.ts › deliverySchema.updatedAt'],
	],
	[
		'a lower page size limit',
		{ kind: 'maxPageSize', value: 50 },
		['GET /partner/sellers/{sellerId}/deliveries (page 1, 500 per page) | type metaData.pageSize | nodes/CashInPartner/contract/endpoints.ts › DELIVERIES_MAX_PAGE_SIZE (500)'],
	],
	[
		'an error body in another shape',
		{ kind: 'errorShape' },
		[
			'GET /partner/creditors/{creditorId}/credentials (unknown creditor: error body) | unexpected error | nodes/CashInPartner/contract/schemas.ts › errorBodySchema.error',
			'GET /partner/creditors/{creditorId}/credentials (unknown creditor: error body) | missing message | nodes/CashInPartner/contract/schemas.ts › errorBodySchema.message',
		],
	],
];

test.each(drifts)('%s is reported precisely, and nothing else', async (_name, drift, expected) => {
	emulator.drifts.push(drift);
	const report = await probe();
	expect(findingsOf(report)).toEqual(expected);
	expect(report.matches).toBe(false);
});

test('the details say what came instead', async () => {
	emulator.drifts.push({ kind: 'enumValue', endpoint: 'getSellerDeliveries', path: 'deliveries[].status', value: 'RETURNED' }, { kind: 'maxPageSize', value: 50 });
	const report = await probe();
	const details = report.checks.flatMap((c) => c.findings.map((f) => f.detail));
	expect(details).toContain('value "RETURNED" is not one the contract knows (DELIVERED, FAILED, PENDING)');
	expect(details).toContain('page size not honoured: asked for 500, got 50 deliveries (metaData.pageSize 50, totalCount 120); the node would stop reading after the first page');
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		// Asynchronous on purpose: the emulator lives in this process.
		const child = spawn(process.execPath, [path.join(ROOT, 'build', 'tools', 'probe.js'), ...args], { env: { ...process.env, ...env } });
		child.stdin.end(); // no one answers a question
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
		child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
	});
}

describe('the command (build/tools/probe.js, built by npm test)', () => {
	test('exit 0 when everything matches, one line per check and a summary', async () => {
		const { code, stdout } = await cli(['--base-url', emulator.baseUrl, '--creditor-id', CREDITOR, '--seller-id', CREDITOR], { CASHIN_API_KEY: emulator.partnerKey });
		expect(stdout).toMatch(/^✔ GET \/token\/validate {2}reachable, HTTP 200, \d+ ms: matches the contract$/m);
		expect(stdout).toContain('All 6 checks match the contract.');
		expect(code).toBe(0);
	});

	test('exit 1 on a difference; the partner key and a creditor key in a response are masked in lines and in --json', async () => {
		const creditorKey = emulator.state.creditors.get(CREDITOR)!.apiKey;
		// A drift that puts the creditor's key where the probe quotes the value.
		emulator.drifts.push({ kind: 'enumValue', endpoint: 'getCreditorCredentials', path: 'environment', value: creditorKey });
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cash-in-probe-'));
		try {
			const file = path.join(dir, 'report.json');
			const { code, stdout } = await cli(['--base-url', emulator.baseUrl, '--creditor-id', CREDITOR, '--json', file], { CASHIN_API_KEY: emulator.partnerKey });
			expect(code).toBe(1);
			const written = fs.readFileSync(file, 'utf8');
			for (const text of [stdout, written]) {
				expect(text).toMatch(new RegExp(`value \\\\?"••••${creditorKey.slice(-4)}\\\\?" is not one the contract knows`));
				expect(text).not.toContain(creditorKey);
				expect(text).not.toContain(emulator.partnerKey);
			}
			expect(JSON.parse(written).matches).toBe(false);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('the key is refused on the command line, and --write without --yes asks first', async () => {
		const refused = await cli(['--base-url', emulator.baseUrl, '--api-key', emulator.partnerKey]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('CASHIN_API_KEY');
		const asked = await cli(['--base-url', emulator.baseUrl, '--write', '--sms-to', '+358401234567'], { CASHIN_API_KEY: emulator.partnerKey });
		expect(asked.stdout).toContain('--write will send one SMS to +358401234567');
		expect(asked.code).toBe(2); // stdin is closed: no "y", nothing sent
		expect(emulator.requestsTo('sendSms')).toHaveLength(0);
	});
});
