/**
 * `npm run test:e2e`: the packed package inside a real n8n 2.41.1 (installed by testing/runtime.ts), run
 * headless with `n8n execute` against the Cash-In emulator, then the editor in headless Chromium.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { makeDeliveries } from '../../emulator/seed';
import { ENDPOINTS, pathOf } from '../../nodes/CashInPartner/contract/endpoints';
import { type Emulator, startEmulator } from '../../emulator/server';
import { launchChromium, logIn } from '../../testing/browser';
import { createChecks, delay, runTier, waitFor } from '../../testing/checks';
import {
	EMULATOR_CREDENTIAL,
	executeWorkflow,
	finishedExecutionIds,
	finishedExecutions,
	importCredentials,
	importWorkflows,
	type N8nInstance,
	PACKAGE_NAME,
	prepareN8n,
	publishWorkflow,
	restSession,
	runViaRest,
	type RunJson,
	setUpOwner,
	startN8nServer,
	stopN8nServer,
} from '../../testing/n8n';
import { PROJECT_ROOT } from '../../testing/paths';
import { startProxy } from '../../testing/servers';
import { activeTrigger, e2eWorkflows, portfolioWorkflow, reminderRows as reminderRowsFor, WRONG_KEY_CREDENTIAL } from './workflows';

const ROOT = PROJECT_ROOT;
const ARTIFACTS = path.join(ROOT, '.e2e-artifacts');
const examples = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));

const { check, finish } = createChecks();

type NodeRun = RunJson['data']['resultData']['runData'][string][number];
const nodeRun = (run: RunJson | undefined, node: string): NodeRun => {
	const task = run?.data.resultData.runData[node]?.[0];
	assert.ok(task, `node "${node}" did not run`);
	return task;
};
const outputOf = (run: RunJson | undefined, node: string, output = 0) => nodeRun(run, node).data?.main[output] ?? [];

async function runWorkflows(n8n: N8nInstance, emulator: Emulator) {
	const succeed = async (id: string) => {
		const result = await executeWorkflow(n8n, id);
		if (result.status !== 0) {
			fs.mkdirSync(ARTIFACTS, { recursive: true });
			fs.writeFileSync(path.join(ARTIFACTS, `${id}.stdout.txt`), result.stdout);
			fs.writeFileSync(path.join(ARTIFACTS, `${id}.stderr.txt`), result.stderr);
		}
		assert.equal(result.status, 0, `n8n execute failed: ${result.run?.data.resultData.error?.message ?? ''}\n${result.stderr.slice(-1500)}\n${result.stdout.slice(-1500)}`);
		assert.ok(!result.stdout.includes(emulator.partnerKey), 'the partner key appears in the run output');
		return result.run;
	};

	await check('the example workflows and the e2e workflows import', async () => {
		await importWorkflows(n8n, [...fs.readdirSync(path.join(ROOT, 'examples')).map(examples), ...Object.values(e2eWorkflows)]);
	});

	await check('Creditor → Create from sheet rows; a bad row goes to the error output with its pairing', async () => {
		const run = await succeed('CashInSheetToCreditors');
		const registered = outputOf(run, 'Register creditor', 0);
		const toFix = outputOf(run, 'Register creditor', 1);
		assert.equal(registered.length, 2);
		for (const item of registered) assert.match(String(item.json.creditorId), /^c_/);
		assert.equal(toFix.length, 1);
		assert.deepEqual(toFix[0].pairedItem, { item: 1 });
		assert.match(String(toFix[0].json.error), /^Invalid Business ID "2345678-5": expected a business ID whose check digit matches/);
		assert.equal(toFix[0].json.company, 'Virhe Oy', 'the error item keeps the row data');
		assert.equal(emulator.requestsTo('createCreditor').length, 2);
	});

	await check('Creditor → Update sends only the changed fields', async () => {
		const run = await succeed('E2eUpdateCreditor');
		assert.equal(outputOf(run, 'Cash-In')[0].json.creditorId, 'c_00002');
		assert.deepEqual(emulator.requestsTo('updateCreditor').at(-1)?.body, { creditor: { postalDistrict: 'TAMPERE', telephone: '+358501112222' } });
	});

	await check('Creditor Credential → Get (masked key) and Agreement → Get Many', async () => {
		const run = await succeed('CashInCredsAgreemts');
		assert.match(String(outputOf(run, 'Get credentials')[0].json.apiKey), /^••••.{4}$/);
		assert.deepEqual(
			outputOf(run, 'Get agreement identifiers').map((item) => item.json.agreementId),
			['CRM-1000', 'ERP-5000'],
		);
	});

	await check('Seller Delivery → Get Many with a status filter', async () => {
		const run = await succeed('CashInSellerDelivry');
		const deliveries = outputOf(run, 'Failed deliveries of creditor');
		assert.ok(deliveries.length > 0);
		assert.ok(deliveries.every((item) => item.json.status === 'FAILED' && item.json.sellerId === 'c_00001'));
		assert.equal(emulator.requestsTo('getSellerDeliveries').at(-1)?.query.status, 'FAILED');
	});

	await check('the portfolio example, its Schedule Trigger swapped for a manual one: the first run records, the next alerts the owner once per new failure', async () => {
		const example = examples('portfolio-failed-deliveries.json');
		const id = 'E2eExamplePortfo1';
		const nodes = example.nodes.map((node: { type: string }) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} } : node));
		await importWorkflows(n8n, [{ ...example, id, name: `e2e: ${example.name}`, nodes }]);
		const alertsOf = (run: RunJson | undefined) => run?.data.resultData.runData['Compose alert']?.[0]?.data?.main[0] ?? [];
		assert.equal(alertsOf(await succeed(id)).length, 0, 'the first run only records where each creditor stands');
		const invoice = emulator.state.deliveries.get('c_00001')!.filter((d) => d.status === 'DELIVERED')[30].invoiceNumber;
		emulator.state.setDeliveryStatus('c_00001', invoice, 'FAILED', 'Mailbox unavailable');
		const alerts = alertsOf(await succeed(id));
		assert.equal(alerts.length, 1, JSON.stringify(alerts.map((a) => a.json)));
		assert.equal(alerts[0].json.to, 'maija@partner.example');
		assert.match(String(alerts[0].json.text), new RegExp(`^Invoice ${invoice} of Esimerkki Oy was not delivered by .*: Mailbox unavailable`));
		assert.equal(alertsOf(await succeed(id)).length, 0, 'a third run reports nothing again');
	});

	await check('SMS → Send: normalised numbers, a FAILED delivery report as data', async () => {
		const run = await succeed('CashInOverdueSmsRem');
		const sent = outputOf(run, 'Send SMS reminder');
		assert.deepEqual(sent.map((item) => item.json.recipient), ['+358401234567', '+358507654321', '+358405550000']);
		assert.deepEqual(sent.map((item) => (item.json.deliveryReport as { status: string }).status), ['DELIVERED', 'DELIVERED', 'FAILED']);
		assert.ok(sent.every((item) => item.json.encoding === 'GSM-7' && item.json.segments === 1));
	});

	await check('a wrong key fails the run with the 401 guidance, and the key is nowhere in the output', async () => {
		const result = await executeWorkflow(n8n, 'E2eWrongKey000001');
		assert.notEqual(result.status, 0);
		const error = result.run?.data.resultData.error ?? nodeRun(result.run, 'Cash-In').error;
		assert.equal(error?.message, 'The Cash-In partner API key was not accepted (Sandbox environment) [item 0]');
		assert.ok(!result.stdout.includes('pk_wrong_e2e_key_0001'));
	});

	await check('workflows saved with 0.3.0 (test/e2e/saved-0.3.0) import and run unchanged', async () => {
		const dir = path.join(ROOT, 'test', 'e2e', 'saved-0.3.0');
		const saved = fs.readdirSync(dir).map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { id: string; name: string; nodes: Array<{ type: string }> });
		const copies = saved.map((workflow) => ({ ...workflow, id: `${workflow.id.slice(0, 12)}030`, name: `${workflow.name} (saved with 0.3.0)` }));
		await importWorkflows(n8n, copies);
		const runs = new Map<string, RunJson | undefined>();
		for (const [index, copy] of copies.entries()) {
			if (!copy.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')) continue;
			const run = await succeed(copy.id);
			runs.set(saved[index].id, run);
			const cashInNodes = copy.nodes.filter((node) => node.type.startsWith('n8n-nodes-cash-in-partner.')) as Array<{ name: string; type: string }>;
			for (const node of cashInNodes) assert.ok(outputOf(run, node.name, 0).length + outputOf(run, node.name, 1).length > 0, `${copy.name}: ${node.name} gave no items`);
		}
		// The sheet workflow: its rows were registered by the example above, so Cash-In declines them — never twice.
		const sheet = runs.get('CashInSheetToCreditors');
		assert.deepEqual(outputOf(sheet, 'Register creditor', 0), []);
		const declined = outputOf(sheet, 'Register creditor', 1).map((item) => String(item.json.error));
		assert.equal(declined.filter((message) => /^Cash-In declined this request: A creditor with business ID .* already exists/.test(message)).length, 2, declined.join(' | '));
	});

	await check("node code resolves n8n-workflow and zod from n8n's own install (the package ships none)", () => {
		const installed = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		assert.ok(!fs.existsSync(path.join(installed, 'node_modules')), 'the installed package has its own node_modules');
		const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		assert.equal(pkg.dependencies, undefined);
		const resolveFrom = (extraPath?: string) =>
			spawnSync(n8n.runtime.nodeBin, ['-e', `console.log(require.resolve('zod', { paths: [${JSON.stringify(installed)}${extraPath ? `, ${JSON.stringify(extraPath)}` : ''}] }))`], { encoding: 'utf8' });
		assert.notEqual(resolveFrom().status, 0, 'zod must not be resolvable from the package alone');
		const viaN8n = resolveFrom(path.join(n8n.runtime.dir, 'node_modules', 'n8n'));
		assert.equal(viaN8n.status, 0);
		assert.ok(viaN8n.stdout.startsWith(n8n.runtime.dir), `zod resolved outside n8n: ${viaN8n.stdout}`);
	});
}

/** What the emulator received and carried out for the SMS of one workflow's rows, by reference. */
function smsLedger(emulator: Emulator, tag: string) {
	const posts = emulator.requestsTo('sendSms').filter((r) => r.rawBody.includes(`"reference":"${tag}-`));
	const referenceOf = (raw: string) => /"reference":"([^"]+)"/.exec(raw)![1];
	const acted = new Map<string, number>();
	for (const post of posts.filter((r) => r.acted)) acted.set(referenceOf(post.rawBody), (acted.get(referenceOf(post.rawBody)) ?? 0) + 1);
	return { posts, acted, postsFor: (reference: string) => posts.filter((r) => referenceOf(r.rawBody) === reference) };
}

/** "Never sent twice" under the settings a user can pick, in a real n8n: counts from the emulator's log. */
async function neverTwice(n8n: N8nInstance, emulator: Emulator) {
	const execute = async (id: string) => {
		const result = await executeWorkflow(n8n, id);
		assert.ok(!result.stdout.includes(emulator.partnerKey), 'the partner key appears in the run output');
		return result;
	};

	await check('Retry On Fail (3 tries), a bad first row, error output: no recipient gets an SMS twice, and n8n did retry', async () => {
		// Row 2 is refused once without being carried out: only a retry of the node can send it.
		emulator.addFault({ endpoint: 'sendSms', bodyContains: '"RE-2"', times: 1, fault: { kind: 'status', status: 400, body: { message: 'Try again' } } });
		const result = await execute('E2eRetryErrOut01');
		assert.equal(result.status, 0, result.stderr.slice(-1500));
		const { acted, postsFor } = smsLedger(emulator, 'RE');
		assert.deepEqual([...acted.entries()].sort(), [1, 2, 3, 4].map((n) => [`RE-${n}`, 1]));
		assert.deepEqual(postsFor('RE-2').map((r) => r.status), [400, 200], 'row 2 was sent again by a retry');
		for (const n of [1, 3, 4]) assert.equal(postsFor(`RE-${n}`).length, 1, `row ${n} was posted more than once`);
		assert.equal(outputOf(result.run, 'Cash-In', 0).length, 4);
		assert.match(String(outputOf(result.run, 'Cash-In', 1)[0]?.json.error), /^Invalid Recipient "040 CALL ME".*\[item 0\]$/);
	});

	await check('Retry On Fail, a bad first row, Stop Workflow: the run fails and nothing is sent', async () => {
		const result = await execute('E2eRetryStop0001');
		assert.notEqual(result.status, 0);
		assert.equal(smsLedger(emulator, 'RS').posts.length, 0);
	});

	await check('Stop Workflow at the default Requests in Parallel, a bad row 20 of 40: nothing is sent, the error names item, field and value', async () => {
		const result = await execute('E2eStopMiddle001');
		assert.notEqual(result.status, 0);
		assert.equal(smsLedger(emulator, 'SM').posts.length, 0);
		const error = result.run?.data.resultData.error ?? nodeRun(result.run, 'Cash-In').error;
		assert.match(String(error?.message), /^Invalid Recipient "040 CALL ME": expected a phone number .*\[item 20\]$/);
	});

	await check('a 2xx answer of another shape (SMS, Creditor Create): every item succeeds once, with its warning and an execution hint', async () => {
		emulator.drifts.push({ kind: 'keepOnly', endpoint: 'sendSms', fields: ['messageId'] }, { kind: 'keepOnly', endpoint: 'createCreditor', fields: ['creditorId'] });
		try {
			const sms = await execute('E2eSmsShape00001');
			assert.equal(sms.status, 0, sms.stderr.slice(-1500));
			const sent = outputOf(sms.run, 'Cash-In');
			assert.equal(sent.length, 3);
			assert.ok(sent.every((item) => /^Cash-In confirmed this, but its answer is not .*It counts as done/.test(String(item.json.warning))));
			assert.deepEqual([...smsLedger(emulator, 'OS').acted.values()], [1, 1, 1]);
			const hints = (nodeRun(sms.run, 'Cash-In') as { hints?: Array<{ message: string }> }).hints ?? [];
			assert.match(String(hints[0]?.message), /^3 items were carried out, but Cash-In answered differently/);
			const creditor = await execute('E2eCredShape0001');
			assert.equal(creditor.status, 0, creditor.stderr.slice(-1500));
			assert.match(String(outputOf(creditor.run, 'Cash-In')[0].json.warning), /the field "customerCode" is missing/);
			assert.equal(emulator.requestsTo('createCreditor').filter((r) => r.rawBody.includes('Muoto Oy') && r.acted).length, 1);
		} finally {
			emulator.drifts.length = 0;
		}
	});

	await check('".." as a Creditor ID: refused with the field named, and no request reaches Cash-In', async () => {
		const before = emulator.requests.length;
		const result = await execute('E2eDotDotId00001');
		assert.notEqual(result.status, 0);
		const error = result.run?.data.resultData.error ?? nodeRun(result.run, 'Cash-In').error;
		assert.equal(error?.message, 'Invalid Creditor ID "..": expected an ID, not "." or ".." [item 0]');
		assert.equal(emulator.requests.length, before);
	});
}

/** Each reference of a tag's rows acted on exactly once by the emulator (what Cash-In carried out). */
function assertEachOnce(emulator: Emulator, tag: string, references: string[]) {
	const { acted } = smsLedger(emulator, tag);
	assert.deepEqual([...acted.keys()].sort(), [...references].sort(), 'which references Cash-In carried out');
	const twice = [...acted.entries()].filter(([, count]) => count !== 1);
	assert.deepEqual(twice, [], 'references carried out more than once');
}

const references = (tag: string, count: number, except: number[] = []) => Array.from({ length: count }, (_, i) => i).filter((i) => !except.includes(i)).map((i) => `${tag}-${i}`);

/**
 * The partner's fixed IP: production keys work only from addresses registered with Cash-In, so partners send
 * Cash-In traffic through a proxy that has one. n8n's request path honours HTTP_PROXY / HTTPS_PROXY /
 * NO_PROXY; here a real proxy (tinyproxy) on loopback stands in for it, and the emulator for Cash-In.
 */
async function throughProxy(n8n: N8nInstance, emulator: Emulator) {
	const proxy = await startProxy();
	const host = new URL(emulator.baseUrl).host;
	const withProxy = (noProxy: string): N8nInstance => ({
		...n8n,
		env: { ...n8n.env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: proxy.url, NO_PROXY: noProxy, no_proxy: noProxy },
	});
	try {
		await check("HTTP_PROXY: every Cash-In request goes through the partner's proxy, and the key only in a header", async () => {
			const first = emulator.requests.length;
			for (const id of ['E2eThroughProxy01', 'CashInCredsAgreemts']) {
				const result = await executeWorkflow(withProxy(''), id);
				assert.equal(result.status, 0, result.run?.data.resultData.error?.message ?? result.stderr.slice(-1500));
			}
			const received = emulator.requests.slice(first);
			assert.ok(received.length >= 5, `${received.length} requests`); // 3 SMS, the credentials, the agreements
			assert.deepEqual(received.filter((r) => !/tinyproxy/.test(r.via ?? '')).map((r) => `${r.method} ${r.path}`), [], 'requests that did not come through the proxy');
			const forwarded = proxy.requests().filter((line) => line.includes(`http://${host}/`));
			assert.equal(forwarded.length, received.length, `the proxy forwarded ${forwarded.length}, Cash-In received ${received.length}`);
			assert.ok(received.every((r) => r.auth === 'partner'), 'the key reached Cash-In in its header');
			assert.ok(!proxy.log().includes(emulator.partnerKey), 'the partner key is in the proxy log');
			assert.ok(forwarded.every((line) => !/api[-_]?key|pk_/i.test(line)), 'a request line carries the key');
		});

		await check('NO_PROXY keeps the sandbox (or the emulator) out of the proxy', async () => {
			const first = emulator.requests.length;
			const forwardedBefore = proxy.requests().length;
			const result = await executeWorkflow(withProxy(`localhost,${new URL(emulator.baseUrl).hostname}`), 'CashInCredsAgreemts');
			assert.equal(result.status, 0, result.stderr.slice(-1500));
			const received = emulator.requests.slice(first);
			assert.ok(received.length >= 2);
			assert.ok(received.every((r) => r.via === undefined), 'a request went through the proxy');
			assert.equal(proxy.requests().length, forwardedBefore);
		});
	} finally {
		await proxy.server.stop();
	}
}

/** Never twice across executions, with `n8n execute` (before the server starts: the CLI runs alone). */
async function runTwice(n8n: N8nInstance, emulator: Emulator) {
	await check('the same rows run twice (n8n execute): the second run sends nothing and marks each item alreadySent', async () => {
		const first = await executeWorkflow(n8n, 'E2eRunTwice00001');
		const second = await executeWorkflow(n8n, 'E2eRunTwice00001');
		assert.equal(first.status, 0, first.stderr.slice(-1500));
		assert.equal(second.status, 0, second.stderr.slice(-1500));
		assertEachOnce(emulator, 'TW', references('TW', 5));
		assert.deepEqual(outputOf(first.run, 'Cash-In').map((item) => item.json.alreadySent), [false, false, false, false, false]);
		assert.deepEqual(outputOf(second.run, 'Cash-In').map((item) => item.json.alreadySent), [true, true, true, true, true]);
		assert.equal(smsLedger(emulator, 'TW').posts.length, 5, 'the second run posted nothing');
	});

	await check('Skip Items Sent Before turned off: a second run sends every item again', async () => {
		for (let run = 0; run < 2; run++) assert.equal((await executeWorkflow(n8n, 'E2eRunTwiceOff01')).status, 0);
		assert.deepEqual([...smsLedger(emulator, 'TO').acted.values()], [2, 2, 2, 2, 2]);
	});

}

/**
 * Never twice across executions, in a real n8n on SQLite (n8n's deduplication table), at the defaults:
 * `n8n execute` twice; n8n's Retry of a failed execution through the REST API the Executions list's Retry
 * button calls, with the original and with the current workflow; the bulk-SMS webhook example called twice
 * while its first execution is still sending.
 */
async function acrossExecutions(n8n: N8nInstance, emulator: Emulator) {
	await check("60 rows, row 41 refused under Stop Workflow, then n8n's Retry (original, then current workflow): each recipient gets exactly one SMS", async () => {
		// Refused by the first run and by the retry with the original workflow; the retry with the current one gets it through.
		emulator.addFault({ endpoint: 'sendSms', bodyContains: '"RX-41"', times: 2, fault: { kind: 'status', status: 400, body: { message: 'Recipient number is blocked' } } });
		const rest = await restSession(n8n);
		const { status } = await runViaRest(n8n, rest, 'E2eRetryExec0001', { triggerToStartFrom: { name: 'Start' } });
		assert.equal(status, 'error');
		const [failed] = (await finishedExecutionIds(rest, 'E2eRetryExec0001')).slice(-1);
		const sentByFirst = smsLedger(emulator, 'RX').acted.size;
		assert.ok(sentByFirst > 0 && sentByFirst <= 59, `the first run carried out ${sentByFirst}`);
		const original = (await rest('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow: false })) as { status: string };
		assert.equal(original.status, 'error', 'row 41 is refused again');
		assertEachOnce(emulator, 'RX', references('RX', 60, [41]));
		const current = (await rest('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow: true })) as { status: string };
		assert.equal(current.status, 'success');
		assertEachOnce(emulator, 'RX', references('RX', 60));
		const { postsFor } = smsLedger(emulator, 'RX');
		assert.deepEqual(postsFor('RX-41').map((r) => r.status), [400, 400, 200]);
		for (const reference of references('RX', 60, [41])) assert.equal(postsFor(reference).length, 1, `${reference} was posted more than once`);
		const runs = await finishedExecutions(n8n, rest, 'E2eRetryExec0001');
		const last = runs.at(-1)!.outputs('Cash-In')[0] ?? [];
		assert.equal(last.filter((item) => item.json.alreadySent === true).length, 59, 'the retry marks the 59 items sent before');
	});

	await check('the bulk-SMS webhook called twice with the same 50 rows, the second call 1 s after the first (still sending): each recipient once', async () => {
		const rows = reminderRowsFor('WH', 50).map(({ phone, text, ref }) => ({ phone, message: text, ref }));
		// Slow answers keep the first execution sending while the second arrives.
		emulator.addFault({ endpoint: 'sendSms', bodyContains: '"WH-', fault: { kind: 'latency', ms: 1500 } });
		const rest = await restSession(n8n);
		const before = (await finishedExecutionIds(rest, 'CashInBulkSmsHook')).length;
		const post = () => fetch(`http://127.0.0.1:${n8n.port}/webhook/cash-in-bulk-sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows }) });
		assert.equal((await post()).status, 200);
		await delay(1000);
		assert.equal((await post()).status, 200);
		const finished = await waitFor('both webhook executions', 120_000, async () => {
			const found = await finishedExecutionIds(rest, 'CashInBulkSmsHook');
			return found.length >= before + 2 ? found : undefined;
		});
		assertEachOnce(emulator, 'WH', references('WH', 50));
		const runs = (await finishedExecutions(n8n, rest, 'CashInBulkSmsHook')).slice(-2);
		assert.ok(runs.every((run) => run.status === 'success'), finished.map((run) => run.status).join(', '));
		const skipped = runs.flatMap((run) => run.outputs('Send SMS')[0] ?? []).filter((item) => item.json.alreadySent === true);
		assert.equal(skipped.length, 50, 'one of the two executions marks all 50 as sent before');
	});
}

/** `n8n execute` cannot start from a polling trigger, so its manual test runs as the editor's Test step does. */
async function triggerTestStep(n8n: N8nInstance, emulator: Emulator) {
	await check('Cash-In Partner Trigger: the Test step shows recent failed deliveries (REST manual run)', async () => {
		const rest = await restSession(n8n);
		const trigger = 'Failed deliveries (7:00 daily)';
		const { status, run } = await runViaRest(n8n, rest, 'CashInFailedDelivery', {
			triggerToStartFrom: { name: trigger },
			destinationNode: { nodeName: 'Compose message', mode: 'inclusive' },
		});
		assert.equal(status, 'success');
		const events = outputOf(run, trigger);
		assert.ok(events.length > 0 && events.length <= 10);
		assert.ok(events.every((item) => item.json.event === 'deliveryFailed' && item.json.status === 'FAILED'));
		assert.match(String(outputOf(run, 'Compose message')[0].json.text), /^Invoice .+ was not delivered by/);
		assert.ok(emulator.requestsTo('getSellerDeliveries').some((r) => r.query.status === 'FAILED'));
	});
}

/** The credential's Test button, through the REST endpoint the editor calls. */
async function credentialTestButton(n8n: N8nInstance, emulator: Emulator) {
	await check("the credential's Test button: OK for the partner key, plain guidance for 401 and 403", async () => {
		const rest = await restSession(n8n);
		const test = async (id: string, apiKey: string) =>
			(await rest('POST', '/rest/credentials/test', {
				credentials: { id, name: 'test', type: 'cashInPartnerApi', data: { apiKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } },
			})) as { status: string; message: string };
		const validations = () => emulator.requestsTo('validateKey').length;
		const before = validations();
		assert.equal((await test(EMULATOR_CREDENTIAL.id, emulator.partnerKey)).status, 'OK');
		assert.equal(validations(), before + 1, 'the Test button did not call the validate endpoint');
		const wrong = await test(WRONG_KEY_CREDENTIAL.id, 'pk_wrong_e2e_key_0001');
		assert.equal(wrong.status, 'Error');
		assert.match(wrong.message, /Key not accepted.*Environment matches/);
		const creditorKey = emulator.state.creditors.get('c_00001')!.apiKey;
		const forbidden = await test(WRONG_KEY_CREDENTIAL.id, creditorKey);
		assert.equal(forbidden.status, 'Error');
		assert.match(forbidden.message, /partner-level key.*register this n8n's outgoing IP address.*proxy with a registered address: HTTPS_PROXY/);
	});
}

async function editorScreenshot(n8n: N8nInstance) {
	await check('the editor shows the Cash-In Partner node with its parameters and credential', async () => {
		{
			const browser = await launchChromium();
			try {
				const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
				const base = `http://127.0.0.1:${n8n.port}`;
				await logIn(page, base);
				await page.goto(`${base}/workflow/CashInSheetToCreditors/a4`);
				await page.waitForSelector('[data-test-id=ndv]', { timeout: 60_000 });
				await page.waitForTimeout(1500);
				fs.mkdirSync(ARTIFACTS, { recursive: true });
				await page.screenshot({ path: path.join(ARTIFACTS, 'editor-node.png') });
				// Labels are text; the chosen values of dropdowns and the credential are input values.
				const panel = page.locator('[data-test-id=ndv]');
				const text = await panel.innerText();
				const values = await panel.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
				for (const label of ['Credential', 'Resource', 'Operation', 'Define Creditor', 'Service Type', 'Company Name', 'Business ID', 'Contact Persons']) {
					assert.ok(text.includes(label), `the node panel does not show "${label}"`);
				}
				for (const value of ['Cash-In Partner (local emulator)', 'Creditor', 'Create']) {
					assert.ok(values.includes(value), `the node panel has no field showing "${value}" (fields: ${values.filter(Boolean).join(', ')})`);
				}
			} finally {
				await browser.close();
			}
		}
	});
}

const MIXED_TRIGGER = 'E2eTriggerMixed01';
const CLEAN_TRIGGER = 'E2eTriggerClean01';
const PORTFOLIO = 'E2ePortfolio00001';
const PORTFOLIO_SIZE = 1000;

/**
 * Active workflows in a running n8n on SQLite, across a restart: the trigger (every minute) with a seller
 * that cannot be read and one without, and the portfolio way — a Schedule Trigger and 1,000 sellers through
 * Get Changes. What counts is n8n's executions list and the emulator's state.
 */
async function activeWatchers(n8n: N8nInstance, emulator: Emulator) {
	const today = emulator.state.now().slice(0, 10);
	const portfolio = Array.from({ length: PORTFOLIO_SIZE }, (_, i) => `c_p${String(i).padStart(4, '0')}`);
	portfolio.forEach((seller, i) => emulator.state.addDeliveries(seller, makeDeliveries(200, { today, seed: 5000 + i, prefix: `PF${i}`, failedShare: 0.05 })));
	const delivered = (seller: string, n: number) => emulator.state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;
	const fail = (seller: string, invoice: string, stampedAt?: string) => emulator.state.setDeliveryStatus(seller, invoice, 'FAILED', 'Mailbox unavailable', stampedAt);

	await importWorkflows(n8n, [
		activeTrigger(MIXED_TRIGGER, ['c_00001', 'c_00002', 'c_missing']),
		activeTrigger(CLEAN_TRIGGER, ['c_00001', 'c_00002', 'c_00003', 'c_00004']),
		portfolioWorkflow(PORTFOLIO, portfolio),
	]);
	for (const id of [MIXED_TRIGGER, CLEAN_TRIGGER, PORTFOLIO]) await publishWorkflow(n8n, id);
	const executions = async (rest: Awaited<ReturnType<typeof restSession>>, id: string) => await finishedExecutions(n8n, rest, id);
	const atLeast = (rest: Awaited<ReturnType<typeof restSession>>, id: string, count: number) => async () => {
		const found = await finishedExecutionIds(rest, id);
		return found.length >= count ? found : undefined;
	};

	const first = delivered('c_00001', 40);
	const second = delivered('c_00002', 40);
	const lateForTrigger = delivered('c_00003', 40);
	const portfolioFailures = [3, 250, 499, 777, 998].map((i) => [portfolio[i], delivered(portfolio[i], 7)] as const);

	let server = await startN8nServer(n8n);
	try {
		let rest = await restSession(n8n);
		// The portfolio's first run records where each seller stands.
		await waitFor('the portfolio\'s first scheduled run', 150_000, atLeast(rest, PORTFOLIO, 1));
		fail('c_00001', first);
		for (const [seller, invoice] of portfolioFailures) fail(seller, invoice);
		await waitFor('the portfolio run after 5 failures', 150_000, atLeast(rest, PORTFOLIO, 2));
		await waitFor('the trigger event for the first failure', 150_000, atLeast(rest, CLEAN_TRIGGER, 1));
		// A failure Cash-In stamps 5 hours before the one the trigger just reported (a returned letter).
		fail('c_00003', lateForTrigger, new Date(Date.parse(emulator.state.now()) - 5 * 3_600_000).toISOString());
		await waitFor('the trigger event for the late-stamped failure', 150_000, atLeast(rest, CLEAN_TRIGGER, 2));
		// One more run of each with nothing new: nothing is reported, and the trigger's poll emits nothing.
		await waitFor('a third portfolio run', 150_000, atLeast(rest, PORTFOLIO, 3));
		await stopN8nServer(server);

		fail('c_00002', second); // while n8n is down
		server = await startN8nServer(n8n);
		rest = await restSession(n8n);
		await waitFor('the trigger event for the failure while n8n was down', 150_000, atLeast(rest, CLEAN_TRIGGER, 3));
		const ranBefore = (await finishedExecutionIds(rest, PORTFOLIO)).length;
		await waitFor('two portfolio runs after the restart', 150_000, atLeast(rest, PORTFOLIO, ranBefore + 2));
		await delay(5000); // a poll of the triggers after the activation poll, had anything been repeated

		await check('trigger, active on SQLite: each failure fires one execution — one stamped 5 hours before the last reported too, and across a restart after polls that emitted nothing', async () => {
			const runs = await executions(rest, CLEAN_TRIGGER);
			assert.deepEqual(
				runs.map((run) => run.outputs('Failed deliveries')[0].map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`)),
				[[`c_00001 ${first}`], [`c_00003 ${lateForTrigger}`], [`c_00002 ${second}`]],
			);
			assert.ok(runs.every((run) => run.status === 'success'));
		});

		await check('trigger with a creditor that cannot be read: its main output carries only delivery events, the creditor comes on "Creditors Not Read"', async () => {
			const runs = await executions(rest, MIXED_TRIGGER);
			const events = runs.flatMap((run) => run.outputs('Failed deliveries')[0] ?? []);
			const unread = runs.flatMap((run) => run.outputs('Failed deliveries')[1] ?? []);
			assert.deepEqual(events.map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`).sort(), [`c_00001 ${first}`, `c_00002 ${second}`].sort());
			assert.ok(events.every((item) => item.json.event === 'deliveryFailed' && item.json.status === 'FAILED'));
			assert.ok(unread.length > 0 && unread.every((item) => item.json.sellerId === 'c_missing' && /^Cash-In has nothing for seller ID "c_missing"/.test(String(item.json.error))));
			assert.equal(runs.flatMap((run) => run.outputs('Event')[0] ?? []).filter((item) => item.json.event !== 'deliveryFailed').length, 0);
		});

		await check(`portfolio of ${PORTFOLIO_SIZE} sellers (Schedule Trigger → Get Changes): 5 failures → exactly 5 alerts, once each, none again after more runs and a restart`, async () => {
			const runs = await executions(rest, PORTFOLIO);
			assert.ok(runs.length >= 5, `${runs.length} runs`);
			assert.ok(runs.every((run) => run.status === 'success'), runs.map((run) => run.status).join(', '));
			const alerts = runs.map((run) => (run.outputs('Failed since last run')[0] ?? []).map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`));
			assert.deepEqual(alerts[0], [], 'the first run only records');
			assert.deepEqual(alerts.flat().sort(), portfolioFailures.map(([seller, invoice]) => `${seller} ${invoice}`).sort());
			assert.equal(alerts.filter((list) => list.length > 0).length, 1, 'all five in one run');
			for (const [seller, invoice] of portfolioFailures) assert.equal(emulator.state.deliveries.get(seller)!.find((d) => d.invoiceNumber === invoice)?.status, 'FAILED');
		});
	} finally {
		await stopN8nServer(server);
	}
}

const RENAME_WATCH = 'E2eWatchRename01';
const STATUS_WATCH = 'E2eWatchStatus01';

/** Renames a node of a saved, published workflow as the editor does (save, then publish that version). */
async function renameNode(rest: Awaited<ReturnType<typeof restSession>>, workflowId: string, from: string, to: string) {
	const stored = (await rest('GET', `/rest/workflows/${workflowId}`)) as { name: string; nodes: Array<{ name: string }>; connections: unknown; versionId: string };
	const nodes = stored.nodes.map((node) => (node.name === from ? { ...node, name: to } : node));
	const connections = JSON.parse(JSON.stringify(stored.connections).split(JSON.stringify(from)).join(JSON.stringify(to)));
	const saved = (await rest('PATCH', `/rest/workflows/${workflowId}`, { name: stored.name, nodes, connections, versionId: stored.versionId })) as { versionId: string };
	await rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: saved.versionId });
}

/**
 * Watching without trusting Cash-In's clock, in a real n8n with published workflows whose Schedule Trigger
 * fires by itself (every minute): failures stamped seconds and hours before one already reported, the
 * Get Changes node renamed between runs, a same-status re-stamp, a status change with its previous status,
 * and a 40-day-old invoice read with a 60-day window. Counts from n8n's execution records.
 */
async function watchersNeverMiss(n8n: N8nInstance, emulator: Emulator) {
	const today = emulator.state.now().slice(0, 10);
	const sellers = ['c_wr_0', 'c_wr_1', 'c_wr_2'];
	sellers.forEach((seller, i) => emulator.state.addDeliveries(seller, makeDeliveries(60, { today, seed: 9100 + i, prefix: `WR${i}`, failedShare: 0.05 })));
	emulator.state.addDeliveries('c_ws_0', makeDeliveries(100, { today, seed: 9200, prefix: 'WS', perDay: 2, failedShare: 0 }));
	await importWorkflows(n8n, [portfolioWorkflow(RENAME_WATCH, sellers), portfolioWorkflow(STATUS_WATCH, ['c_ws_0'], { event: 'deliveryStatusChanged', readWindowDays: 60, name: 'Status changes' })]);
	for (const id of [RENAME_WATCH, STATUS_WATCH]) await publishWorkflow(n8n, id);
	const delivered = (seller: string, n: number) => emulator.state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;
	const stampedBefore = (ms: number) => new Date(Date.parse(emulator.state.now()) - ms).toISOString();
	const fail = (seller: string, invoice: string, stampedAt?: string) => emulator.state.setDeliveryStatus(seller, invoice, 'FAILED', 'Mailbox unavailable', stampedAt);

	const server = await startN8nServer(n8n);
	try {
		const rest = await restSession(n8n);
		const runsOf = async (id: string) => (await finishedExecutionIds(rest, id)).length;
		const waitForRuns = (id: string, count: number) => waitFor(`${count} runs of ${id}`, 150_000, async () => ((await runsOf(id)) >= count ? true : undefined));
		await waitForRuns(RENAME_WATCH, 1);
		await waitForRuns(STATUS_WATCH, 1);

		const now = delivered('c_wr_0', 5);
		fail('c_wr_0', now);
		const fortyDaysOld = emulator.state.deliveries.get('c_ws_0')!.find((d) => d.invoiceDate === new Date(Date.parse(today) - 40 * 86_400_000).toISOString().slice(0, 10))!.invoiceNumber;
		emulator.state.setDeliveryStatus('c_ws_0', fortyDaysOld, 'FAILED', 'Returned to sender');
		emulator.state.setDeliveryStatus('c_ws_0', delivered('c_ws_0', 3), 'DELIVERED', 'Delivered (stamped again)');
		const afterFirst = (await runsOf(RENAME_WATCH)) + 1;
		await waitForRuns(RENAME_WATCH, afterFirst);
		await waitForRuns(STATUS_WATCH, (await runsOf(STATUS_WATCH)) + 1);

		// Stamped hours and seconds before the failure already reported; then the node is renamed.
		const hoursEarlier = delivered('c_wr_1', 6);
		const secondsEarlier = delivered('c_wr_0', 7);
		fail('c_wr_1', hoursEarlier, stampedBefore(5 * 3_600_000));
		fail('c_wr_0', secondsEarlier, stampedBefore(2_000));
		await renameNode(rest, RENAME_WATCH, 'Failed since last run', 'New failures');
		await waitForRuns(RENAME_WATCH, (await runsOf(RENAME_WATCH)) + 2);
		await waitForRuns(STATUS_WATCH, (await runsOf(STATUS_WATCH)) + 1);

		await check('Schedule Trigger → Get Changes, published: failures stamped seconds and hours before one already reported come once; renaming the node loses and repeats nothing', async () => {
			const runs = await finishedExecutions(n8n, rest, RENAME_WATCH);
			assert.ok(runs.every((run) => run.status === 'success'), runs.map((run) => run.status).join(', '));
			const alerts = runs.map((run) => [...(run.outputs('Failed since last run')[0] ?? []), ...(run.outputs('New failures')[0] ?? [])].map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`));
			assert.deepEqual(alerts[0], [], 'the first run only records');
			assert.deepEqual(alerts.flat().sort(), [`c_wr_0 ${now}`, `c_wr_1 ${hoursEarlier}`, `c_wr_0 ${secondsEarlier}`].sort());
			assert.ok(runs.some((run) => (run.outputs('New failures')[0] ?? []).length > 0), 'the renamed node reported the late-stamped failures');
		});

		await check('Delivery Status Changed, 60-day window: a 40-day-old invoice that fails comes once with previousStatus; a same-status re-stamp fires nothing', async () => {
			const runs = await finishedExecutions(n8n, rest, STATUS_WATCH);
			assert.ok(runs.every((run) => run.status === 'success'), runs.map((run) => run.status).join(', '));
			const events = runs.flatMap((run) => run.outputs('Status changes')[0] ?? []).map((item) => [item.json.invoiceNumber, item.json.previousStatus, item.json.status]);
			assert.deepEqual(events, [[fortyDaysOld, 'DELIVERED', 'FAILED']]);
		});
	} finally {
		await stopN8nServer(server);
	}
}

const OVERLAP_WATCH = 'E2eWatchOverlap1';
const OVERLAP_SELLERS = ['c_ov_0', 'c_ov_1', 'c_ov_2'];
/** Reads of c_ov_1 take this long, and the Schedule Trigger fires every 3 s: n8n starts each run before the last has ended. */
const SLOW_READ_MS = 4000;
const OVERLAP_TRIGGER = 'E2eTriggerOverlap';
/** Cash-In's Retry-After on the trigger's one creditor, once: that poll lasts past the next minute's. */
const LONG_RETRY_AFTER_S = 70;

/**
 * Overlapping runs in a real n8n: a published workflow whose Schedule Trigger fires every 3 seconds while one
 * creditor's reads take 4 seconds, so n8n starts every execution before the last has ended, each with the
 * static data saved when it started. The node's runs take turns (none reads while another does) and each
 * starts from what the last one kept. Three failures, on three creditors, come once each across all runs,
 * and no run fails — the ones n8n started before the very first run had ended included. Counts from n8n's
 * execution records and the emulator's log.
 */
async function overlappingRuns(n8n: N8nInstance, emulator: Emulator) {
	const today = emulator.state.now().slice(0, 10);
	OVERLAP_SELLERS.forEach((seller, i) => emulator.state.addDeliveries(seller, makeDeliveries(40, { today, seed: 9300 + i, prefix: `OV${i}`, failedShare: 0.05 })));
	const slowPath = pathOf(ENDPOINTS.getSellerDeliveries, { sellerId: 'c_ov_1' });
	emulator.faults.add({ endpoint: 'getSellerDeliveries', path: slowPath, fault: { kind: 'latency', ms: SLOW_READ_MS } });
	emulator.state.addDeliveries('c_ot_0', makeDeliveries(40, { today, seed: 9400, prefix: 'OT', failedShare: 0.05 }));
	await importWorkflows(n8n, [portfolioWorkflow(OVERLAP_WATCH, OVERLAP_SELLERS, { everySeconds: 3 }), activeTrigger(OVERLAP_TRIGGER, ['c_ot_0'])]);
	await publishWorkflow(n8n, OVERLAP_WATCH);
	await publishWorkflow(n8n, OVERLAP_TRIGGER);
	const delivered = (seller: string, n: number) => emulator.state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;
	const triggerPath = pathOf(ENDPOINTS.getSellerDeliveries, { sellerId: 'c_ot_0' });
	const triggerReads = () => emulator.requests.filter((r) => r.path.endsWith(triggerPath));
	const server = await startN8nServer(n8n);
	try {
		const rest = await restSession(n8n);
		// The trigger: after its activation poll, Cash-In answers its next poll's read with 429 and a long
		// Retry-After, so that poll is still going when n8n fires the one of the minute after.
		await waitFor('the trigger\'s activation poll', 120_000, async () => (triggerReads().some((r) => r.status === 200) ? true : undefined));
		const toNextMinute = 60_000 - (Date.now() % 60_000);
		if (toNextMinute < 10_000) await delay(toNextMinute + 3000);
		const triggerFailure = delivered('c_ot_0', 9);
		emulator.faults.add({ endpoint: 'getSellerDeliveries', path: triggerPath, times: 1, fault: { kind: 'status', status: 429, retryAfter: String(LONG_RETRY_AFTER_S) } });
		emulator.state.setDeliveryStatus('c_ot_0', triggerFailure, 'FAILED', 'Mailbox unavailable');

		type Row = { id: string; status: string; startedAt?: string; stoppedAt?: string };
		const listed = async () => {
			const found = (await rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: OVERLAP_WATCH }))}&limit=100`)) as { results?: Row[] } | Row[];
			return Array.isArray(found) ? found : (found.results ?? []);
		};
		const runsOf = async () => (await finishedExecutionIds(rest, OVERLAP_WATCH)).length;
		await waitFor('the first overlapping run', 120_000, async () => ((await runsOf()) >= 1 ? true : undefined));
		const failures = OVERLAP_SELLERS.map((seller) => [seller, delivered(seller, 9)] as const);
		for (const [seller, invoice] of failures) emulator.state.setDeliveryStatus(seller, invoice, 'FAILED', 'Mailbox unavailable');
		const before = await runsOf();
		await waitFor('four more runs', 120_000, async () => ((await runsOf()) >= before + 4 ? true : undefined));
		await rest('POST', `/rest/workflows/${OVERLAP_WATCH}/deactivate`, {});
		await waitFor('the runs n8n had started to end', 120_000, async () => ((await listed()).every((row) => !['running', 'new', 'waiting'].includes(row.status)) ? true : undefined));

		await check('Schedule Trigger every 3 s, a creditor read in 4 s (n8n starts each run before the last ended): the runs take turns, three failures come once each, no run fails', async () => {
			const rows = (await listed()).filter((row) => row.startedAt && row.stoppedAt).map((row) => ({ from: Date.parse(row.startedAt!), to: Date.parse(row.stoppedAt!) }));
			const overlappingExecutions = rows.filter((a, i) => rows.some((b, j) => j !== i && b.from < a.to && a.from < b.to)).length;
			assert.ok(overlappingExecutions >= 2, `${overlappingExecutions} of ${rows.length} executions ran beside another`);
			const slowReads = emulator.requests.filter((r) => r.path.endsWith(slowPath) && r.answeredAt !== undefined);
			const readTogether = slowReads.filter((r, i) => slowReads.some((other, j) => j !== i && other.receivedAt < r.answeredAt! && r.receivedAt < other.answeredAt!));
			assert.equal(readTogether.length, 0, 'two runs read c_ov_1 at the same time');
			const runs = await finishedExecutions(n8n, rest, OVERLAP_WATCH);
			assert.ok(runs.every((run) => run.status === 'success'), runs.map((run) => run.status).join(', '));
			const alerts = runs.flatMap((run) => run.outputs('Failed since last run')[0] ?? []).map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`);
			assert.deepEqual(alerts.sort(), failures.map(([seller, invoice]) => `${seller} ${invoice}`).sort());
			console.log(`    ${runs.length} runs, ${overlappingExecutions} of them beside another execution; ${slowReads.length} reads of c_ov_1, none at the same time as another`);
		});

		const refused = () => triggerReads().find((r) => r.status === 429);
		const readsAfterRefusal = () => triggerReads().filter((r) => r.status === 200 && r.receivedAt > (refused()?.receivedAt ?? Infinity));
		// The refused poll's read again after Retry-After, then the next poll's (which waited for it).
		await waitFor('the trigger\'s polls after the refusal', 240_000, async () => (readsAfterRefusal().length >= 2 ? true : undefined));
		await delay(5000);
		await check(`trigger (every minute), one poll held ${LONG_RETRY_AFTER_S} s by Cash-In's Retry-After while the next fires: the polls take turns, the failure comes once`, async () => {
			const [again, next] = readsAfterRefusal();
			const firstAfter = again.receivedAt - refused()!.receivedAt;
			assert.ok(firstAfter >= LONG_RETRY_AFTER_S * 1000, `a read came ${firstAfter} ms after the refusal, inside its Retry-After: another poll read while the refused one waited`);
			const held = again.answeredAt! - refused()!.receivedAt;
			assert.ok(held > 60_000, `the refused poll lasted ${held} ms, not past the next minute's poll`);
			assert.ok(next.receivedAt >= again.answeredAt!, 'the next poll read before the refused one had ended');
			const runs = await finishedExecutions(n8n, rest, OVERLAP_TRIGGER);
			assert.ok(runs.every((run) => run.status === 'success'), runs.map((run) => run.status).join(', '));
			assert.deepEqual(runs.flatMap((run) => run.outputs('Failed deliveries')[0] ?? []).map((item) => `${item.json.sellerId} ${item.json.invoiceNumber}`), [`c_ot_0 ${triggerFailure}`]);
			console.log(`    the refused poll lasted ${(held / 1000).toFixed(1)} s; the next poll read ${((next.receivedAt - again.answeredAt!) / 1000).toFixed(1)} s after it ended`);
		});
	} finally {
		emulator.faults.clear();
		await stopN8nServer(server);
	}
}

async function main() {
	const started = Date.now();
	console.log('End-to-end: the packed package in a real n8n');
	const emulator = await startEmulator({ recordRequests: true });
	emulator.seedDemo();
	const n8n = await prepareN8n();
	try {
		await importCredentials(n8n, [
			{ ...EMULATOR_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } },
			{ ...WRONG_KEY_CREDENTIAL, type: 'cashInPartnerApi', data: { apiKey: 'pk_wrong_e2e_key_0001', environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl } },
		]);
		// E2E_ONLY=overlap runs the overlapping-runs case alone (a quick check while working on it).
		if (process.env.E2E_ONLY === 'overlap') {
			const server = await startN8nServer(n8n);
			await setUpOwner(n8n).finally(() => stopN8nServer(server));
			await overlappingRuns(n8n, emulator);
		} else {
			await runWorkflows(n8n, emulator);
			await neverTwice(n8n, emulator);
			await runTwice(n8n, emulator);
			await throughProxy(n8n, emulator);
			await publishWorkflow(n8n, 'CashInBulkSmsHook');
			const server = await startN8nServer(n8n);
			try {
				await setUpOwner(n8n);
				await acrossExecutions(n8n, emulator);
				await triggerTestStep(n8n, emulator);
				await credentialTestButton(n8n, emulator);
				if (process.env.E2E_SKIP_EDITOR !== '1') await editorScreenshot(n8n);
			} finally {
				await stopN8nServer(server);
			}
			if (process.env.E2E_SKIP_ACTIVE !== '1') {
				await activeWatchers(n8n, emulator);
				await watchersNeverMiss(n8n, emulator);
				await overlappingRuns(n8n, emulator);
			}
		}
		if (process.env.E2E_KEEP === '1') console.log(`emulator: ${emulator.baseUrl}`);
	} finally {
		await emulator.close();
		if (process.env.E2E_KEEP === '1') console.log(`kept ${n8n.home}`);
		else fs.rmSync(n8n.home, { recursive: true, force: true });
	}
	finish(`n8n ${n8n.runtime.version}`, started);
}

runTier(main);
