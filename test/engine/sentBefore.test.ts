/**
 * "Never twice across executions" (Skip Items Sent Before): a later execution of the same workflow — a
 * re-run, n8n's Retry of a failed execution, a webhook called twice, two executions at once — sends nothing
 * Cash-In carried out or may have. Each `run` here is one execution through n8n-core's engine; runs with the
 * same workflowId share n8n's deduplication store as executions of one workflow do. Counts come from what the
 * emulator received and carried out.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { deduplicator } from '../../testing/engine';
import { createFromItems, jsonOf, pairingOf, run, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const smsFromItems = (extra: IDataObject = {}) => ({
	resource: 'sms',
	operation: 'send',
	recipient: '={{ $json.phone }}',
	message: '={{ $json.text }}',
	additionalFields: { reference: '={{ $json.ref }}' },
	...extra,
});

const rowsOf = (count: number, tag: string) =>
	Array.from({ length: count }, (_, i) => ({ phone: `+3584014${String(i).padStart(5, '0')}`, text: `Muistutus ${i}`, ref: `${tag}-${i}` }));

/** How many SMS the emulator carried out per reference of this tag (only the ones it acted on). */
function actedPerReference(tag: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const sms of emulator().state.sms.filter((s) => s.body.reference?.startsWith(`${tag}-`))) counts.set(sms.body.reference!, (counts.get(sms.body.reference!) ?? 0) + 1);
	return counts;
}

let workflows = 0;
const newWorkflow = () => `sent-before-${++workflows}`;
const hintsOf = (result: Awaited<ReturnType<typeof run>>) => (result.run.data.resultData.runData['Cash-In Partner']?.[0]?.hints ?? []).map((hint) => hint.message);

describe('Skip Items Sent Before (on by default)', () => {
	test('60 rows, row 41 refused under Stop Workflow, then the same execution again (n8n’s Retry): each of the 59 recipients gets exactly one SMS', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(60, 'X1');
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"X1-41"', times: 1, fault: { kind: 'status', status: 400, body: { message: 'Recipient number is blocked' } } });
		const first = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		const sentFirst = actedPerReference('X1');
		expect(first.error?.message).toBe('Cash-In refused the request as invalid: Recipient number is blocked [item 41]');
		const description = (first.error as { description?: string }).description ?? '';
		expect(description).toContain(`Cash-In carried out ${sentFirst.size} of the 60 items.`);
		expect(description).toContain('running the workflow again, or Retry in the executions list, sends only the items not carried out yet');
		expect(description).not.toContain('Nothing was changed in Cash-In');
		expect(description).not.toMatch(/more|take them out/);

		const again = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		expect(again.error).toBeUndefined();
		const sent = actedPerReference('X1');
		expect(sent.size).toBe(60);
		expect(Math.max(...sent.values())).toBe(1);
		const out = jsonOf(again);
		expect(out.filter((json) => json.alreadySent === true)).toHaveLength(sentFirst.size);
		expect(out.filter((json) => json.alreadySent === false)).toHaveLength(60 - sentFirst.size);
		expect(pairingOf(again)).toEqual(rows.map((_, item) => ({ item })));
		expect(out.find((json) => json.alreadySent)).toMatchObject({ alreadySent: true, recipient: expect.stringMatching(/^\+358/), reference: expect.stringMatching(/^X1-/), note: expect.stringMatching(/^Not sent: this node sent the same item within the last 1 week/) });
		expect(hintsOf(again)).toEqual([expect.stringMatching(new RegExp(`^${sentFirst.size} items were not sent: this node already sent them \\(alreadySent = true\\)`))]);
	});

	test('the same rows twice in a row: the second run sends nothing and marks every item', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(5, 'X2');
		await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		const second = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		expect([...actedPerReference('X2').values()]).toEqual([1, 1, 1, 1, 1]);
		expect(emulator().requestsTo('sendSms').filter((r) => r.rawBody.includes('"X2-'))).toHaveLength(5);
		expect(jsonOf(second).map((json) => json.alreadySent)).toEqual([true, true, true, true, true]);
	});

	test('"the same" means recipient, text and reference, evened out: another spelling of the number or extra spaces is the same SMS', async () => {
		const workflowId = newWorkflow();
		await run(emulator(), { parameters: smsFromItems(), items: [{ phone: '040 123 4501', text: 'Lasku  erääntyy', ref: 'X3-0' }], workflowId });
		const variants = [
			{ phone: '+358401234501', text: ' Lasku erääntyy\n', ref: 'X3-0' },
			{ phone: '0401234501', text: 'Lasku erääntyy', ref: ' X3-0 ' },
			{ phone: '0401234501', text: 'Lasku erääntyy tänään', ref: 'X3-0' }, // another text: another SMS
			{ phone: '0401234501', text: 'Lasku erääntyy', ref: 'X3-1' }, // another reference: another SMS
		];
		const result = await run(emulator(), { parameters: smsFromItems(), items: variants, workflowId });
		expect(jsonOf(result).map((json) => json.alreadySent)).toEqual([true, true, false, false]);
		expect(emulator().requestsTo('sendSms')).toHaveLength(3);
	});

	test('the same SMS twice in one input is sent once; the second comes out as already sent', async () => {
		const rows = [...rowsOf(2, 'X4'), rowsOf(1, 'X4')[0]];
		const result = await run(emulator(), { parameters: smsFromItems(), items: rows });
		expect(jsonOf(result).map((json) => json.alreadySent)).toEqual([false, false, true]);
		expect([...actedPerReference('X4').values()]).toEqual([1, 1]);
	});

	test('items Cash-In refused (400, 402) are not remembered: fixed and run again, they go out', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(4, 'X5');
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"X5-1"', times: 1, fault: { kind: 'status', status: 400, body: { message: 'Bad text' } } });
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"X5-2"', times: 1, fault: { kind: 'status', status: 402, body: { message: 'Opted out' } } });
		const first = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, onError: 'continueErrorOutput' });
		expect(first.outputs[1].map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		const second = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, onError: 'continueErrorOutput' });
		expect(jsonOf(second).map((json) => json.alreadySent)).toEqual([true, false, false, true]);
		expect([...actedPerReference('X5').values()]).toEqual([1, 1, 1, 1]);
	});

	test('an SMS Cash-In may have received (a 503 after acting, a timeout) is remembered: a later run does not send it', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(3, 'X6');
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"X6-0"', times: 1, fault: { kind: 'drop', act: true } });
		const first = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, onError: 'continueErrorOutput' });
		expect(String(first.outputs[1][0]?.json.error)).toMatch(/may or may not have been sent/);
		const second = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		expect(jsonOf(second).map((json) => json.alreadySent)).toEqual([true, true, true]);
		expect(emulator().requestsTo('sendSms').filter((r) => r.rawBody.includes('"X6-0"'))).toHaveLength(1);
	});

	test('a run stopped under Stop Workflow forgets the items it never sent, so the next run sends them', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(40, 'X7');
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"X7-3"', times: 1, fault: { kind: 'status', status: 402, body: { message: 'Opted out' } } });
		await run(emulator(), { parameters: smsFromItems({ options: { parallelRequests: 2 } }), items: rows, workflowId });
		const sentFirst = actedPerReference('X7').size;
		expect(sentFirst).toBeLessThan(10);
		await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId });
		const sent = actedPerReference('X7');
		expect(sent.size).toBe(40);
		expect(Math.max(...sent.values())).toBe(1);
	});

	test('two executions at once over the same rows (a webhook called twice): each recipient once', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(50, 'X8');
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'latency', ms: 30 } });
		const [a, b] = await Promise.all([
			run(emulator(), { parameters: smsFromItems(), items: rows, workflowId }),
			run(emulator(), { parameters: smsFromItems(), items: rows, workflowId }),
		]);
		const sent = actedPerReference('X8');
		expect(sent.size).toBe(50);
		expect(Math.max(...sent.values())).toBe(1);
		const skipped = [...jsonOf(a), ...jsonOf(b)].filter((json) => json.alreadySent === true);
		expect(skipped).toHaveLength(50);
	});

	test('a renamed node keeps its memory (n8n keeps it under the node ID); another node of the workflow has its own', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(2, 'X9');
		await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, nodeName: 'Send reminder' });
		const renamed = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, nodeName: 'Send first reminder' });
		expect(jsonOf(renamed).map((json) => json.alreadySent)).toEqual([true, true]);
		const otherNode = await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, nodeId: 'another-node-id' });
		expect(jsonOf(otherNode).map((json) => json.alreadySent)).toEqual([false, false]);
		expect([...actedPerReference('X9').values()]).toEqual([2, 2]);
	});

	test('turned off: a second run sends every item again (a deliberate repeat)', async () => {
		const workflowId = newWorkflow();
		const rows = rowsOf(3, 'XA');
		const off = smsFromItems({ skipSentBefore: false });
		const storeCalls = deduplicator.calls.length;
		await run(emulator(), { parameters: off, items: rows, workflowId });
		const second = await run(emulator(), { parameters: off, items: rows, workflowId });
		expect([...actedPerReference('XA').values()]).toEqual([2, 2, 2]);
		expect(jsonOf(second).map((json) => json.alreadySent)).toEqual([false, false, false]);
		expect(deduplicator.calls.length).toBe(storeCalls); // n8n's store is not even asked
	});

	test('a custom Item Key (case ID + reminder step): the same key is the same item whatever the text; a new step goes out', async () => {
		const workflowId = newWorkflow();
		const custom = smsFromItems({ sameItemWhen: 'custom', itemKey: '={{ $json.caseId }}-{{ $json.step }}' });
		const row = (step: number, text: string) => ({ phone: '+358401400999', text, ref: 'XB-0', caseId: 'CASE-7', step });
		await run(emulator(), { parameters: custom, items: [row(1, 'First reminder')], workflowId });
		const result = await run(emulator(), { parameters: custom, items: [row(1, 'First reminder, reworded'), row(2, 'Second reminder')], workflowId });
		expect(jsonOf(result).map((json) => json.alreadySent)).toEqual([true, false]);
		expect(emulator().requestsTo('sendSms').map((r) => (r.body as IDataObject).message)).toEqual(['First reminder', 'Second reminder']);
	});

	test('a custom Item Key given as an object: the order of its fields does not matter', async () => {
		const workflowId = newWorkflow();
		const row = { ...rowsOf(1, 'XE')[0], caseId: 'CASE-9', step: 2 };
		await run(emulator(), { parameters: smsFromItems({ sameItemWhen: 'custom', itemKey: '={{ { caseId: $json.caseId, step: $json.step } }}' }), items: [row], workflowId });
		const second = await run(emulator(), { parameters: smsFromItems({ sameItemWhen: 'custom', itemKey: '={{ { step: $json.step, caseId: $json.caseId } }}' }), items: [row], workflowId });
		expect(jsonOf(second).map((json) => json.alreadySent)).toEqual([true]);
		expect(emulator().requestsTo('sendSms')).toHaveLength(1);
	});

	test('a custom Item Key that is empty stops the item before anything is sent, naming the field and the item', async () => {
		const custom = smsFromItems({ sameItemWhen: 'custom', itemKey: '={{ $json.caseId }}' });
		const result = await run(emulator(), { parameters: custom, items: [{ ...rowsOf(1, 'XC')[0], caseId: 'C-1' }, rowsOf(2, 'XC')[1]] });
		expect(result.error?.message).toBe('Item Key is empty [item 1]');
		expect(emulator().requestsTo('sendSms')).toHaveLength(0);
	});

	test.each<[string, INode['onError']]>([
		['Stop Workflow', undefined],
		['Continue', 'continueRegularOutput'],
		['Continue (using error output)', 'continueErrorOutput'],
	])('with Retry On Fail and On Error → %s, a second execution still sends nothing twice', async (_mode, onError) => {
		const workflowId = newWorkflow();
		const tag = `XD${onError ?? 'stop'}`;
		const rows = rowsOf(6, tag);
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-2"`, times: 1, fault: { kind: 'status', status: 400, body: { message: 'Try again' } } });
		await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, onError, retry: { maxTries: 2 } });
		await run(emulator(), { parameters: smsFromItems(), items: rows, workflowId, onError, retry: { maxTries: 2 } });
		const sent = actedPerReference(tag);
		expect(sent.size).toBe(6);
		expect(Math.max(...sent.values())).toBe(1);
	});
});

describe('Creditor → Create across executions', () => {
	test('one creditor per business ID: a second run (the ID spelt without its leading zero) registers nothing', async () => {
		const workflowId = newWorkflow();
		const businessId = businessIdFor(-100003); // 0xxxxxx-x: Cash-In's form keeps the leading zero
		await run(emulator(), { parameters: createFromItems, items: [{ name: 'Kerran Oy', businessId }], workflowId });
		const second = await run(emulator(), { parameters: createFromItems, items: [{ name: 'Kerran Oy', businessId: ` ${businessId.replace(/^0/, '')} ` }], workflowId });
		expect(jsonOf(second)).toEqual([expect.objectContaining({ alreadySent: true, businessId })]);
		expect(emulator().requestsTo('createCreditor').filter((r) => r.acted)).toHaveLength(1);
	});
});
