/**
 * The partner key and creditor keys never reach output or error text: scrubbed before anything is cut, and
 * every secret-like field of a credentials answer follows Creditor Key in Output.
 */
import type { IDataObject } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { addCreditor, jsonOf, run, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();

const send = { resource: 'sms', operation: 'send', recipient: '0401234567', message: 'Hei', skipSentBefore: false };

describe('the partner key in an error body is scrubbed before the body is cut', () => {
	// The node shows at most 300 characters of a body it cannot read as Cash-In's error form: the key is put
	// across that cut, where cutting first would leave its first characters in the message.
	test.each([
		['a plain-text body', (key: string) => ({ kind: 'status' as const, status: 500, body: `${'x'.repeat(290)}${key} and more` })],
		['a JSON body of another form', (key: string) => ({ kind: 'status' as const, status: 500, body: [`${'y'.repeat(285)}${key}`] })],
	])('%s', async (_what, fault) => {
		const key = emulator().partnerKey;
		emulator().addFault({ endpoint: 'sendSms', fault: fault(key) });
		const result = await run(emulator(), { parameters: send });
		const shown = visibleText(result);
		expect(result.error?.message).toMatch(/^Cash-In had an internal error \(HTTP 500\)/);
		expect(shown).toContain('••••');
		for (let length = 6; length <= key.length; length++) expect(shown).not.toContain(key.slice(0, length));
	});

	test('an HTML page (a proxy\'s) longer than the cut', async () => {
		const key = emulator().partnerKey;
		const text = `<html><body>${'z'.repeat(285)} ${key} proxy said no</body></html>`;
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'status', status: 502, body: text } });
		const result = await run(emulator(), { parameters: send });
		const shown = visibleText(result);
		for (let length = 6; length <= key.length; length++) expect(shown).not.toContain(key.slice(0, length));
	});
});

describe('the partner key as the server reads it', () => {
	// Found by review: a key pasted with a trailing space is trimmed by the server, which may echo it trimmed;
	// a key with a quote reaches the error details JSON-escaped.
	test.each([
		['pasted with a trailing space', 'pk_live_SECRETSECRET_123456 '],
		['holding a quote', 'pk"SECRETQUOTE_abcdefgh'],
		['holding a backslash', 'pk\\SECRETSLASH_abcdefgh'],
	])('%s: scrubbed from message, description and details', async (_what, apiKey) => {
		emulator().addFault({ endpoint: 'sendSms', fault: { kind: 'status', status: 400, body: { message: `Key '${apiKey.trim()}' is not allowed` } } });
		const result = await run(emulator(), { parameters: send, credential: { apiKey } });
		const shown = visibleText(result);
		expect(result.error?.message).toContain("Key '••••' is not allowed");
		expect(shown).not.toContain('SECRET');
	});
});

describe('Creditor Key in Output applies to every secret-like field of a credentials answer', () => {
	const extra = { apiSecret: 'sec_ABCDEFGHIJKLMNOP', token: 'tok_QRSTUVWXYZ123456', credentials: 'cred_7777777777777777' };
	const getCredentials = (creditorId: string, creditorKeyDisplay?: string) => ({ resource: 'creditorCredential', operation: 'get', creditorId, ...(creditorKeyDisplay ? { creditorKeyDisplay } : {}) });

	test.each([
		['Masked (the default)', undefined, (value: string) => `••••${value.slice(-4)}`],
		['Leave Out', 'omit', () => undefined],
	])('Creditor Credential → Get, %s', async (_label, display, expected) => {
		const creditor = addCreditor(emulator());
		emulator().drifts.push({ kind: 'addFields', endpoint: 'getCreditorCredentials', path: '', fields: extra });
		const [json] = jsonOf(await run(emulator(), { parameters: getCredentials(creditor.creditorId, display) }));
		for (const [field, value] of Object.entries({ apiKey: creditor.apiKey, ...extra })) expect(json[field]).toEqual(expected(value));
		expect(json).toMatchObject({ creditorId: creditor.creditorId, environment: 'SANDBOX' });
	});

	test.each([
		['Masked', 'masked'],
		['Leave Out', 'omit'],
	])('lists and objects under a secret-like name (%s): every value in them is a secret, but the environment stays readable', async (_label, display) => {
		emulator().drifts.push(
			{ kind: 'addFields', endpoint: 'createCreditor', path: '', fields: { apiKeys: ['AKEYLEAK_0001xyz'], token: { value: 'TOKLEAK_abcdef123' }, secrets: [{ value: 'SECLEAK_zzzz9999' }] } },
			{ kind: 'addFields', endpoint: 'createCreditor', path: 'credentials', fields: { refreshTokens: ['RTLEAK_qqqq8888'], note: 'NOTELEAK_inside_credentials' } },
		);
		const result = await run(emulator(), {
			parameters: {
				resource: 'creditor',
				operation: 'create',
				inputMode: 'json',
				creditorKeyDisplay: display,
				jsonBody: JSON.stringify({ service: { type: 'LIFECYCLE' }, creditor: { name: 'Lista Oy', businessCode: businessIdFor(display === 'omit' ? 8801 : 8802), countryCode: 'FI' }, contacts: [{ role: 'PRIMARY', name: 'Maija' }] }),
			},
		});
		expect(result.error).toBeUndefined();
		expect(visibleText(result)).not.toMatch(/LEAK/);
		expect(jsonOf(result)[0].credentials).toMatchObject({ environment: 'SANDBOX' });
	});

	test('Creditor → Create, masked: secrets beside the key and inside credentials are masked, the environment stays readable', async () => {
		emulator().drifts.push(
			{ kind: 'addFields', endpoint: 'createCreditor', path: '', fields: { webhookSecret: 'whsec_0123456789abcdef' } },
			{ kind: 'addFields', endpoint: 'createCreditor', path: 'credentials', fields: { apiSecret: 'sec_ABCDEFGHIJKLMNOP', refreshToken: 'rt_ZYXWVUTSRQ' } },
		);
		const result = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'create', inputMode: 'json', jsonBody: JSON.stringify({ service: { type: 'LIFECYCLE' }, creditor: { name: 'Salainen Oy', businessCode: '1234567-1', countryCode: 'FI' }, contacts: [{ role: 'PRIMARY', name: 'Maija' }] }) },
		});
		const [json] = jsonOf(result);
		expect(json.webhookSecret).toBe('••••cdef');
		expect(json.credentials).toMatchObject({ apiSecret: '••••MNOP', refreshToken: '••••TSRQ', environment: 'SANDBOX' });
		expect((json.credentials as IDataObject).apiKey).toMatch(/^••••.{4}$/);
		for (const secret of ['whsec_0123', 'sec_ABCD', 'rt_ZYXW']) expect(visibleText(result)).not.toContain(secret);
	});
});
