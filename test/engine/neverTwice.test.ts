/**
 * "Never sent twice", under the settings a user can pick: Requests in Parallel as shipped, each On Error
 * mode, and n8n's Retry On Fail — which re-runs the whole node with all its items when it throws, and also
 * when its first output item is an error (n8n-core workflow-execute.js: getRetryParams, checkFailure).
 * Every count comes from what the emulator received and carried out, never from the node's output.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { addCreditor, createFromItems, jsonOf, pairingOf, run, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const smsFromItems = {
	resource: 'sms',
	operation: 'send',
	recipient: '={{ $json.phone }}',
	message: '={{ $json.text }}',
	additionalFields: { reference: '={{ $json.ref }}' },
};

/** `count` rows of a reminder sheet; `badAt` rows get a phone number that cannot be one. */
function reminderRows(count: number, tag: string, badAt: number[] = []): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		phone: badAt.includes(i) ? '040 CALL ME' : `+3584012${String(i).padStart(5, '0')}`,
		text: `Muistutus ${i}`,
		ref: `${tag}-${i}`,
	}));
}

/** SMS the emulator carried out, per reference. */
function sentPerReference(tag: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const sms of emulator().state.sms.filter((s) => s.body.reference?.startsWith(`${tag}-`))) {
		counts.set(sms.body.reference!, (counts.get(sms.body.reference!) ?? 0) + 1);
	}
	return counts;
}

/** Every POST the emulator received for this reference, faulted ones included (read from the raw body). */
const postsFor = (reference: string) => emulator().requestsTo('sendSms').filter((r) => r.rawBody.includes(`"reference":"${reference}"`));

const ON_ERROR_MODES: Array<[string, INode['onError']]> = [
	['Stop Workflow', undefined],
	['Continue', 'continueRegularOutput'],
	['Continue (using error output)', 'continueErrorOutput'],
];

describe('Retry On Fail never sends twice', () => {
	test.each(ON_ERROR_MODES)('a bad first row with Retry On Fail (3 tries), On Error → %s: no recipient twice', async (mode, onError) => {
		const tag = `R1${mode.replace(/\W/g, '')}`;
		const rows = reminderRows(5, tag, [0]);
		const result = await run(emulator(), { parameters: smsFromItems, items: rows, onError, retry: { maxTries: 3 } });
		const sent = sentPerReference(tag);
		if (onError === undefined) {
			// Stop Workflow: every row is checked first, so the bad one stops each try before anything is sent.
			expect(result.error?.message).toMatch(/^Invalid Recipient "040 CALL ME".*\[item 0\]$/);
			expect(emulator().requestsTo('sendSms')).toHaveLength(0);
			return;
		}
		expect([...sent.values()]).toEqual([1, 1, 1, 1]);
		expect(emulator().requestsTo('sendSms')).toHaveLength(4);
		const all = [...jsonOf(result, 0), ...jsonOf(result, 1)];
		expect(all.filter((json) => json.messageId)).toHaveLength(4);
		expect(all.filter((json) => json.error)).toHaveLength(1);
	});

	test('n8n does retry, and a retry sends only what Cash-In refused without acting; earlier results come back for the rest', async () => {
		const tag = 'R2';
		const rows = reminderRows(5, tag, [0]);
		// Row 3 is refused once with a 400 (not carried out): a later try sends it again, and it goes through.
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-3"`, times: 1, fault: { kind: 'status', status: 400, body: { message: 'Try again' } } });
		const result = await run(emulator(), { parameters: smsFromItems, items: rows, onError: 'continueRegularOutput', retry: { maxTries: 3 } });
		expect(postsFor(`${tag}-3`).map((r) => r.status)).toEqual([400, 200]);
		for (const n of [1, 2, 4]) expect(postsFor(`${tag}-${n}`)).toHaveLength(1);
		expect([...sentPerReference(tag).values()]).toEqual([1, 1, 1, 1]);
		const out = jsonOf(result);
		expect(out[0].error).toMatch(/^Invalid Recipient/);
		expect(out.slice(1).map((json) => json.recipient)).toEqual(rows.slice(1).map((row) => row.phone));
		expect(pairingOf(result)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	});

	test('an SMS whose outcome is unknown (a 503 after sending) is never sent again by a retry, and stays reported', async () => {
		const tag = 'R3';
		const rows = reminderRows(4, tag);
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-0"`, fault: { kind: 'status', status: 503 } });
		const result = await run(emulator(), { parameters: smsFromItems, items: rows, onError: 'continueErrorOutput', retry: { maxTries: 4 } });
		expect(postsFor(`${tag}-0`)).toHaveLength(1);
		expect([...sentPerReference(tag).values()]).toEqual([1, 1, 1]);
		expect(result.outputs[1].map((item) => item.json.error)).toEqual([expect.stringMatching(/may or may not have been sent.*\[item 0\]$/)]);
		expect(jsonOf(result, 0)).toHaveLength(3);
	});

	test('Stop Workflow with Retry On Fail: Cash-In refusing row 25 of 40 — tries never repeat a sent SMS', async () => {
		const tag = 'R4';
		const rows = reminderRows(40, tag);
		emulator().addFault({ endpoint: 'sendSms', bodyContains: `"${tag}-25"`, fault: { kind: 'status', status: 402, body: { message: 'Recipient opted out' } } });
		const result = await run(emulator(), { parameters: smsFromItems, items: rows, retry: { maxTries: 3 } });
		expect(result.error?.message).toBe('Cash-In declined this request: Recipient opted out [item 25]');
		expect(postsFor(`${tag}-25`)).toHaveLength(3);
		const sent = sentPerReference(tag);
		expect(Math.max(...sent.values())).toBe(1);
		const description = (result.error as { description?: string }).description ?? '';
		expect(description).toContain(`Before the run stopped, Cash-In carried out ${sent.size} of the 40 items.`);
		expect(description).toContain('running the workflow again, or Retry in the executions list, sends only the items not carried out yet');
		expect(description).toContain('Settings → On Error to "Continue (using error output)"');
	});

	test('Creditor → Create with Retry On Fail and a bad first row: each creditor is registered once', async () => {
		const ids = [businessIdFor(9001), businessIdFor(9002), businessIdFor(9003)];
		const rows = [{ businessId: '1234567-2' }, ...ids.map((businessId) => ({ businessId }))].map((row, i) => ({ ...row, name: `Retry ${i} Oy` }));
		const result = await run(emulator(), {
			parameters: createFromItems,
			items: rows,
			onError: 'continueErrorOutput',
			retry: { maxTries: 5 },
		});
		for (const id of ids) expect([...emulator().state.creditors.values()].filter((c) => c.creditor.businessCode === id)).toHaveLength(1);
		expect(emulator().requestsTo('createCreditor')).toHaveLength(3);
		expect(result.outputs[1].map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(jsonOf(result, 0).map((json) => json.creditorId)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
	});
});

describe('On Error → Stop Workflow at the default Requests in Parallel', () => {
	test('a bad row in the middle of 40: nothing is sent, and the error names the item, the field and the value', async () => {
		const result = await run(emulator(), { parameters: smsFromItems, items: reminderRows(40, 'S1', [20]) });
		expect(emulator().requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Invalid Recipient "040 CALL ME": expected a phone number in international form, e.g. +358401234567 (or a Finnish one such as 040 123 4567) [item 20]',
		);
		expect((result.error as { description?: string }).description).toContain('nothing was sent to Cash-In for any of the 40 items');
	});

	test('Cash-In refusing one item mid-run: the error says how many were carried out, and that running again sends only the rest', async () => {
		const rows = reminderRows(40, 'S2');
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"S2-6"', fault: { kind: 'status', status: 402, body: { message: 'Recipient opted out' } } });
		const result = await run(emulator(), { parameters: smsFromItems, items: rows });
		const sent = sentPerReference('S2');
		expect(sent.size).toBeGreaterThan(5);
		expect(result.error?.message).toBe('Cash-In declined this request: Recipient opted out [item 6]');
		const description = (result.error as { description?: string }).description ?? '';
		// Too many to act on one by one: a count, no list, and no instruction that would need the list.
		expect(description).toContain(`Cash-In carried out ${sent.size} of the 40 items.`);
		expect(description).not.toMatch(/more|take them out/);
		expect(description).toContain('sends only the items not carried out yet');
	});
});

describe('a 2xx answer of another shape counts as done', () => {
	test('SMS answered with only a messageId: every item succeeds with a warning, each sent once', async () => {
		emulator().drifts.push({ kind: 'keepOnly', endpoint: 'sendSms', fields: ['messageId'] });
		const rows = reminderRows(3, 'D1');
		const result = await run(emulator(), { parameters: smsFromItems, items: rows });
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out.map((json) => json.recipient)).toEqual(rows.map((row) => row.phone));
		for (const json of out) {
			expect(json).toMatchObject({ messageId: expect.stringMatching(/^sms_/), segments: 1, encoding: 'GSM-7', deliveryReport: null });
			expect(json.warning).toMatch(/^Cash-In confirmed this, but its answer is not the sent message and its delivery report as this node expects: the field "recipient" is missing\. It counts as done/);
		}
		expect(emulator().requestsTo('sendSms')).toHaveLength(3);
		const hints = result.run.data.resultData.runData['Cash-In Partner'][0].hints ?? [];
		expect(hints.map((hint) => hint.message)).toEqual([expect.stringMatching(/^3 items were carried out, but Cash-In answered differently than this node expects/)]);
	});

	test('Creditor → Create answered with only the creditorId: the item succeeds with a warning, registered once', async () => {
		emulator().drifts.push({ kind: 'keepOnly', endpoint: 'createCreditor', fields: ['creditorId'] });
		const businessId = businessIdFor(9100);
		const result = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'create', serviceType: 'LIFECYCLE', name: 'Muoto Oy', businessId, country: 'FI', contacts: { contact: [{ role: 'PRIMARY', name: 'Maija' }] } },
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toMatchObject({ creditorId: expect.stringMatching(/^c_/), warning: expect.stringMatching(/^Cash-In confirmed this, but its answer is not the new creditor as this node expects: the field "customerCode" is missing/) });
		expect([...emulator().state.creditors.values()].filter((c) => c.creditor.businessCode === businessId)).toHaveLength(1);
	});

	test('a renamed key field in the answer is still masked as the user chose', async () => {
		emulator().drifts.push({ kind: 'renameField', endpoint: 'createCreditor', path: 'credentials.apiKey', to: 'api_key' });
		const result = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'create', serviceType: 'LIFECYCLE', name: 'Avain Oy', businessId: businessIdFor(9101), country: 'FI', contacts: { contact: [{ role: 'PRIMARY', name: 'Maija' }] } },
		});
		const credentials = jsonOf(result)[0].credentials as IDataObject;
		expect(credentials.api_key).toMatch(/^••••.{4}$/);
	});

	test('a read still fails clearly on a shape it cannot use', async () => {
		emulator().drifts.push({ kind: 'keepOnly', endpoint: 'getCreditorCredentials', fields: ['creditorId'] });
		const result = await run(emulator(), { parameters: { resource: 'creditorCredential', operation: 'get', creditorId: addCreditor(emulator()).creditorId } });
		expect(result.error?.message).toBe('Cash-In\'s answer is not in the form this node expects: the field "apiKey" is missing [item 0]');
		expect((result.error as { description?: string }).description).not.toContain('npm run');
	});
});

describe('IDs are checked before any request', () => {
	test.each([
		['..', 'Invalid Creditor ID "..": expected an ID, not "." or ".." [item 0]'],
		['.', 'Invalid Creditor ID ".": expected an ID, not "." or ".." [item 0]'],
		['c_1/../x', 'Invalid Creditor ID "c_1/../x": expected a single ID without / \\ ? or #, e.g. c_8f2k1 [item 0]'],
		['c_1 c_2', 'Invalid Creditor ID "c_1 c_2": expected an ID without spaces, e.g. c_8f2k1 [item 0]'],
		['c_1\nc_2', 'Invalid Creditor ID "c_1\\nc_2": expected an ID without line breaks, tabs or other control characters [item 0]'],
		['x'.repeat(101), `Invalid Creditor ID "${'x'.repeat(40)}…": expected an ID of at most 100 characters (got 101) [item 0]`],
		['   ', 'Creditor ID is empty [item 0]'],
	])('%j is refused naming the field, with no request', async (id, message) => {
		for (const [resource, operation] of [
			['creditorCredential', 'get'],
			['agreement', 'getAll'],
			['creditor', 'update'],
		]) {
			const result = await run(emulator(), { parameters: { resource, operation, creditorId: '={{ $json.id }}', updateFields: { city: 'Turku' } }, items: [{ id }] });
			expect(result.error?.message).toBe(message);
		}
		const sellers = await run(emulator(), { parameters: { resource: 'delivery', operation: 'getAll', sellerId: '={{ $json.id }}' }, items: [{ id }] });
		expect(sellers.error?.message).toBe(message);
		expect(emulator().requests).toHaveLength(0);
	});

	test('an API error names its item too', async () => {
		emulator().addFault({ endpoint: 'getCreditorCredentials', path: '/partner/creditors/c_nope/credentials', fault: { kind: 'status', status: 404 } });
		const result = await run(emulator(), {
			parameters: { resource: 'creditorCredential', operation: 'get', creditorId: '={{ $json.id }}' },
			items: [{ id: addCreditor(emulator()).creditorId }, { id: 'c_nope' }],
			onError: 'continueRegularOutput',
		});
		expect(jsonOf(result)[1].error).toBe('Cash-In has nothing for creditor ID "c_nope" [item 1]');
	});
});

test('an expression that fails for one item is named with its item too', async () => {
	const result = await run(emulator(), {
		parameters: { resource: 'creditorCredential', operation: 'get', creditorId: '={{ $json.creditor.id }}' },
		items: [{ creditor: { id: 'c_1' } }, { other: true }],
		onError: 'continueRegularOutput',
	});
	expect(jsonOf(result)[1].error).toMatch(/\[item 1\]$/);
	expect(emulator().requestsTo('getCreditorCredentials').map((r) => r.params.creditorId)).toEqual(['c_1']);
});
