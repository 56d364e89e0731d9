/**
 * `npm run test:editor`: the n8n editor in headless Chromium (Debian's, never a downloaded browser), played
 * as a partner would — in a real n8n 2.41.1 with the packed package and the Cash-In emulator:
 *   1. a workflow with the partner's sheet rows; add the node from the nodes panel by searching "Cash-In",
 *      choose Creditor → Create; the column mapper is there, "Map Automatically" matches the sheet's
 *      columns; Execute step registers the creditor (the emulator says so) and the output shows it;
 *   2. the next node (Edit Fields, as a Slack message would be) maps the new creditorId by dragging it
 *      from the input panel, and its step outputs it;
 *   3. before a Cash-In node has run, the next node already offers its output fields (the output schemas
 *      the build writes, which n8n's editor shows as "Preview");
 *   4. the creditor key: masked by default in every execution n8n stores and shows; with "Full Key" the
 *      next node receives it (and whether n8n hides it, by the node's sensitiveOutputFields, is reported).
 * Screenshots go to .e2e-artifacts/ (EDITOR_SCREENSHOTS=docs writes the README's into docs/).
 * Prints "N passed, N failed".
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Page } from 'playwright-core';

import { businessIdFor } from '../../emulator/seed';
import { type Emulator, startEmulator } from '../../emulator/server';
import { chromiumPath, launchChromium, logIn } from '../../testing/browser';
import { createChecks, runTier } from '../../testing/checks';
import {
	EMULATOR_CREDENTIAL,
	finishedExecutions,
	importCredentials,
	type N8nInstance,
	prepareN8n,
	restSession,
	setUpOwner,
	startN8nServer,
	stopN8nServer,
} from '../../testing/n8n';
import { projectPath } from '../../testing/paths';

const { check, finish } = createChecks();
const ARTIFACTS = projectPath('.e2e-artifacts');
const SCREENSHOTS = process.env.EDITOR_SCREENSHOTS === 'docs' ? projectPath('docs') : ARTIFACTS;
const SHEET_NODE = 'New creditors (sheet)';

/** What the partner's sheet holds: header texts as field names, as a Google Sheets node gives them. */
const sheetRow = (businessId: string) => ({
	'Service Type': 'LIFECYCLE',
	'Company Name': 'Sarake Oy',
	'Business ID': businessId,
	'Country Code': 'FI',
	City: 'Oulu',
	'Contact Name': 'Maija Meikäläinen',
	'Contact Email': 'maija@sarake.fi',
});

/** A new workflow with the sheet's rows, created as the editor creates one (REST, from the page). */
async function sheetWorkflow(page: Page, row: Record<string, string>): Promise<string> {
	return await page.evaluate(
		async ({ row, sheet }) => {
			const storage = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage;
			const workflow = {
				name: 'Partner: new creditors from a sheet',
				nodes: [
					{ id: 'p1', name: 'When clicking ‘Execute workflow’', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: 'p2', name: sheet, type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [220, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify(row), options: {} } },
				],
				connections: { 'When clicking ‘Execute workflow’': { main: [[{ node: sheet, type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			};
			const response = await fetch('/rest/workflows', { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': storage.getItem('n8n-browserId') ?? '' }, body: JSON.stringify(workflow) });
			if (!response.ok) throw new Error(`creating the workflow failed: ${response.status}`);
			return ((await response.json()) as { data: { id: string } }).data.id;
		},
		{ row, sheet: SHEET_NODE },
	);
}

async function openCanvas(page: Page, base: string, workflowId: string) {
	await page.goto(`${base}/workflow/${workflowId}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
	// The canvas lays itself out once more after the nodes appear; a click before that misses.
	await page.waitForTimeout(2500);
}

/** Opens the nodes panel from the last node's "+" and picks `action` of the node found by `search`. */
async function addNode(page: Page, search: string, node: string, action?: string) {
	await page.locator('[data-test-id=canvas-handle-plus]').last().click();
	await page.keyboard.type(search);
	await page.locator('[data-test-id=node-creator-item-name]', { hasText: node }).first().click();
	if (action) await page.locator('[data-test-id=node-creator-item-name]', { hasText: action }).first().click();
	await page.waitForSelector('[data-test-id=ndv]', { timeout: 30_000 });
}

async function choose(page: Page, select: string, option: string) {
	await page.locator(select).click();
	await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

/** Drags a field of the input panel onto a drop target, as a person does with the mouse. */
async function dragField(page: Page, field: string, target: string) {
	const from = await page.locator(`[data-test-id=ndv-input-panel] [data-name="${field}"][data-target=mappable]`).first().boundingBox();
	const to = await page.locator(target).first().boundingBox();
	assert.ok(from && to, `nothing to drag ${field} from, or onto`);
	await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
	await page.mouse.down();
	for (let step = 1; step <= 12; step++) {
		await page.mouse.move(from.x + ((to.x + to.width / 2 - from.x) * step) / 12, from.y + ((to.y + to.height / 2 - from.y) * step) / 12);
	}
	await page.mouse.up();
}

const executeStep = async (page: Page) => {
	await page.locator('[data-test-id=node-execute-button]').click();
	try {
		await page.waitForSelector('[data-test-id=output-panel] table', { timeout: 30_000 });
	} catch (error) {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: path.join(ARTIFACTS, 'editor-execute-step-failed.png') });
		throw error;
	}
};

async function partnerFlow(n8n: N8nInstance, emulator: Emulator, page: Page) {
	const base = `http://127.0.0.1:${n8n.port}`;
	const businessId = businessIdFor(31000 + Math.floor(Math.random() * 10000));
	await logIn(page, base);
	const workflowId = await sheetWorkflow(page, sheetRow(businessId));
	let creditorId = '';

	await check('the nodes panel finds the node by "Cash-In"; Creditor → Create opens with the column mapper', async () => {
		await openCanvas(page, base, workflowId);
		await addNode(page, 'Cash-In', 'Cash-In Partner', 'Create a creditor');
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.locator('[data-test-id=resource-mapper-container]').waitFor();
		const text = await ndv.innerText();
		for (const label of ['Define Creditor', 'Mapping Column Mode', 'Service Type', 'Company Name', 'Business ID', 'Contact Name', 'IBAN']) assert.ok(text.includes(label), `the panel does not show "${label}"`);
		const values = await ndv.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
		for (const value of [EMULATOR_CREDENTIAL.name, 'Creditor', 'Create', 'Map Input Columns']) assert.ok(values.includes(value), `no field shows "${value}" (${values.filter(Boolean).join(', ')})`);
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-mapper-fields.png') });
	});

	await check('"Map Automatically" takes the sheet\'s columns; Execute step registers the creditor once and shows it', async () => {
		await choose(page, '[data-test-id=mapping-mode-select]', 'Map Automatically');
		// The mapper stores its columns in the node once it has loaded them; a step run before that would
		// be stale at once, and n8n would run the node again (register again) for the next node's step.
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(1500);
		await executeStep(page);
		const created = emulator.requestsTo('createCreditor').filter((r) => r.acted);
		assert.equal(created.length, 1, `registrations: ${created.length}`);
		assert.deepEqual((created[0].body as { creditor: Record<string, string> }).creditor, { name: 'Sarake Oy', businessCode: businessId, countryCode: 'FI', postalDistrict: 'Oulu' });
		creditorId = [...emulator.state.creditors.values()].find((c) => c.creditor.businessCode === businessId)!.creditorId;
		const output = await page.locator('[data-test-id=output-panel]').innerText();
		assert.ok(output.includes(creditorId), `the output does not show ${creditorId}`);
		assert.ok(!output.includes(emulator.state.creditors.get(creditorId)!.apiKey), 'the creditor key is shown unmasked');
		await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-mapper.png') });
		await page.locator('[data-test-id=ndv-close-button]').click();
	});

	await check('the next node maps the new creditorId by dragging it from the input panel, and outputs it', async () => {
		await addNode(page, 'Edit Fields', 'Edit Fields (Set)');
		await dragField(page, 'creditorId', '[data-test-id=drop-area]');
		const assignment = page.locator('[data-test-id=ndv] [data-test-id=assignment-collection-assignments]');
		await assignment.getByText('{{ $json.creditorId }}').first().waitFor({ timeout: 10_000 });
		await executeStep(page);
		const output = await page.locator('[data-test-id=output-panel]').innerText();
		assert.ok(output.includes(creditorId), `the next node's output does not show ${creditorId}`);
		await page.screenshot({ path: path.join(ARTIFACTS, 'editor-next-node.png') });
	});
}

/** n8n's schema preview: before the Cash-In node has run, the next node already offers its output fields. */
async function schemaPreview(n8n: N8nInstance, page: Page) {
	await check("before its first run, the next node's input already lists the Cash-In node's output fields (n8n's schema preview)", async () => {
		const base = `http://127.0.0.1:${n8n.port}`;
		const workflowId = await page.evaluate(async () => {
			const storage = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage;
			const workflow = {
				name: 'editor: schema preview',
				nodes: [
					{ id: 's1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: 's2', name: 'Send SMS', type: 'n8n-nodes-cash-in-partner.cashInPartner', typeVersion: 2, position: [220, 0], parameters: { resource: 'sms', operation: 'send' } },
					{ id: 's3', name: 'Message to the team', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [440, 0], parameters: {} },
				],
				connections: { Start: { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] }, 'Send SMS': { main: [[{ node: 'Message to the team', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			};
			const response = await fetch('/rest/workflows', { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': storage.getItem('n8n-browserId') ?? '' }, body: JSON.stringify(workflow) });
			return ((await response.json()) as { data: { id: string } }).data.id;
		});
		await page.goto(`${base}/workflow/${workflowId}/s3`);
		await page.waitForSelector('[data-test-id=ndv]', { timeout: 30_000 });
		const input = page.locator('[data-test-id=ndv-input-panel]');
		await input.getByText('Preview').first().waitFor({ timeout: 20_000 });
		const text = await input.innerText();
		for (const field of ['messageId', 'segments', 'deliveryReport', 'encoding']) assert.ok(text.includes(field), `the preview does not list ${field}`);
		await page.screenshot({ path: path.join(ARTIFACTS, 'editor-schema-preview.png') });
	});
}

/**
 * The creditor key in executions. The node declares its key fields to n8n (`sensitiveOutputFields`), but
 * n8n 2.41.1 does not apply them yet: its node-defined redaction strategy is in no redaction pipeline (read
 * in n8n/dist/modules/redaction), so an execution shows the key as the node output it. So the default stays
 * Masked, and this checks what a user gets: with the default, the key is in no execution n8n stores or
 * shows; with Full Key, the next node receives it — and whether n8n hid it is reported.
 */
async function redaction(n8n: N8nInstance, emulator: Emulator) {
	await check('the creditor key: masked by default in every execution n8n stores and shows; "Full Key" reaches the next node', async () => {
		const rest = await restSession(n8n);
		const creditor = [...emulator.state.creditors.values()][0];
		const workflow = {
			name: 'editor: full key to the next node',
			nodes: [
				{ id: 'k1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'k2', name: 'Get credentials', type: 'n8n-nodes-cash-in-partner.cashInPartner', typeVersion: 2, position: [220, 0], parameters: { resource: 'creditorCredential', operation: 'get', creditorId: { __rl: true, mode: 'id', value: creditor.creditorId }, creditorKeyDisplay: 'full' }, credentials: { cashInPartnerApi: EMULATOR_CREDENTIAL } },
				{ id: 'k4', name: 'Get credentials (default)', type: 'n8n-nodes-cash-in-partner.cashInPartner', typeVersion: 2, position: [220, 200], parameters: { resource: 'creditorCredential', operation: 'get', creditorId: { __rl: true, mode: 'id', value: creditor.creditorId } }, credentials: { cashInPartnerApi: EMULATOR_CREDENTIAL } },
				// The next node keeps the key's length and last characters: proof it received the key itself.
				{ id: 'k3', name: 'Next node', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [440, 0], parameters: { mode: 'manual', assignments: { assignments: [{ id: 'a', name: 'received', type: 'string', value: '={{ $json.apiKey.length }}:{{ $json.apiKey.slice(-6) }}' }] }, options: {} } },
			],
			connections: {
				Start: { main: [[{ node: 'Get credentials', type: 'main', index: 0 }, { node: 'Get credentials (default)', type: 'main', index: 0 }]] },
				'Get credentials': { main: [[{ node: 'Next node', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const saved = (await rest('POST', '/rest/workflows', workflow)) as { id: string };
		const started = (await rest('POST', `/rest/workflows/${saved.id}/run`, { workflowData: await rest('GET', `/rest/workflows/${saved.id}`), triggerToStartFrom: { name: 'Start' } })) as { executionId: string };
		let runs: Awaited<ReturnType<typeof finishedExecutions>> = [];
		for (let i = 0; i < 60 && !runs.length; i++) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			runs = (await finishedExecutions(n8n, rest, saved.id)).filter((run) => run.id === started.executionId);
		}
		assert.equal(runs[0]?.status, 'success');
		// The default: masked in what n8n shows and in what it stored.
		assert.match(String(runs[0].outputs('Get credentials (default)')[0][0].json.apiKey), /^••••.{4}$/);
		// Full Key: the next node received the key itself (its length and last characters match).
		assert.equal(runs[0].outputs('Next node')[0][0].json.received, `${creditor.apiKey.length}:${creditor.apiKey.slice(-6)}`);
		const shown = runs[0].outputs('Get credentials')[0][0].json.apiKey;
		const hidden = typeof shown === 'object' && shown !== null && (shown as { __redacted?: boolean }).__redacted === true;
		const stored = storedExecutionData(n8n, started.executionId);
		const occurrences = stored.split(creditor.apiKey).length - 1;
		assert.ok(hidden || occurrences === 1, `the key is in the stored execution ${occurrences} times: only the Full Key node's own output may hold it`);
		console.log(`      Full Key: n8n ${n8n.runtime.version} ${hidden ? 'shows the key redacted' : 'shows the key in the execution (it does not apply sensitiveOutputFields)'}; the Masked default keeps it out`);
	});
}

/** An execution's data as n8n's SQLite database holds it, read with n8n's own sqlite3 under its Node. */
function storedExecutionData(n8n: N8nInstance, executionId: string): string {
	const script = `const sqlite3 = require(require.resolve('sqlite3', { paths: [process.cwd()] }));
const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
db.get('select data from execution_data where executionId = ?', [Number(process.argv[2])], (error, row) => { if (error) throw error; process.stdout.write(row ? row.data : ''); db.close(); });`;
	const read = spawnSync(n8n.runtime.nodeBin, ['-e', script, path.join(n8n.userFolder, '.n8n', 'database.sqlite'), executionId], { cwd: path.join(n8n.runtime.dir, 'node_modules', 'n8n'), encoding: 'utf8' });
	if (read.status !== 0) throw new Error(`reading the database failed: ${read.stderr}`);
	return read.stdout;
}

async function main() {
	const started = Date.now();
	console.log('Editor: a partner in the n8n editor, in headless Chromium');
	const emulator = await startEmulator({ recordRequests: true });
	emulator.seedDemo();
	const n8n = await prepareN8n();
	try {
		await importCredentials(n8n, [{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } }]);
		const server = await startN8nServer(n8n);
		try {
			await setUpOwner(n8n);
			await check("Debian's chromium is installed", () => assert.ok(chromiumPath(), 'apt-get install chromium'));
			if (chromiumPath()) {
				const browser = await launchChromium();
				try {
					const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
					await partnerFlow(n8n, emulator, page);
					await schemaPreview(n8n, page);
				} finally {
					await browser.close();
				}
			}
			await redaction(n8n, emulator);
		} finally {
			await stopN8nServer(server);
		}
	} finally {
		await emulator.close();
		fs.rmSync(n8n.home, { recursive: true, force: true });
	}
	finish(`n8n ${n8n.runtime.version}`, started);
}

runTier(main);
