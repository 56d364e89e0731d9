import type { IDataObject } from 'n8n-workflow';

import { PHONE_SPELLINGS } from '../fixtures/phoneSpellings';
import { errorMatrix } from '../harness/errorMatrix';
import { jsonOf, pairingOf, run, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();

const send = (recipient: string, message: string, additionalFields: IDataObject = {}) => ({
	resource: 'sms',
	operation: 'send',
	recipient,
	message,
	additionalFields,
});

/** An SMS node reading recipient, message and reference from each incoming item. */
const sendFromItems = {
	...send('={{ $json.phone }}', '={{ $json.text }}', { reference: '={{ $json.ref }}' }),
	options: { timeoutSeconds: 1 },
};

const actedSms = () => emulator().requestsTo('sendSms').filter((r) => r.acted);

describe('SMS → Send', () => {
	test('sends one SMS and returns the delivery report, segments and encoding', async () => {
		const result = await run(emulator(), { parameters: send('040 123 4567', 'Muistutus: lasku 2024-0001 erääntyy 1.12.', { senderName: 'Esimerkki', reference: 'CI-778812' }) });
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('sendSms')[0].body).toEqual({
			recipient: '+358401234567',
			message: 'Muistutus: lasku 2024-0001 erääntyy 1.12.',
			sender: 'Esimerkki',
			reference: 'CI-778812',
		});
		expect(jsonOf(result)).toEqual([
			{
				messageId: expect.stringMatching(/^sms_/),
				recipient: '+358401234567',
				segments: 1,
				encoding: 'GSM-7',
				deliveryReport: { status: 'DELIVERED', statusMessage: 'Delivered to handset', updatedAt: expect.any(String) },
				alreadySent: false,
			},
		]);
	});

	test('a failed delivery report is data, not an error', async () => {
		const result = await run(emulator(), { parameters: send('+358401234000', 'Hei') });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].deliveryReport).toMatchObject({ status: 'FAILED', statusMessage: 'Number not in use' });
	});

	test('normalises common phone spellings to E.164', async () => {
		const spellings = PHONE_SPELLINGS;
		const result = await run(emulator(), {
			// Several spellings of one number are the same SMS to Skip Items Sent Before: off here, to see each request.
			parameters: { ...send('={{ $json.phone }}', 'Hei'), skipSentBefore: false, options: { parallelRequests: 1 } },
			items: spellings.map(([phone]) => ({ phone })),
		});
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('sendSms').map((r) => (r.body as IDataObject).recipient)).toEqual(spellings.map(([, e164]) => e164));
	});

	test.each([
		['160 GSM-7 characters', 'a'.repeat(160), 'GSM-7', 1],
		['161 GSM-7 characters', 'a'.repeat(161), 'GSM-7', 2],
		['153 septets with € (151 + 2)', 'a'.repeat(151) + '€', 'GSM-7', 1],
		['154 septets with [ past one part: 159 + [ = 161', 'a'.repeat(159) + '[', 'GSM-7', 2],
		['306 septets, the escape pair ends part 1 exactly at 153', 'a'.repeat(151) + '€' + 'a'.repeat(153), 'GSM-7', 2],
		['306 septets, the escape pair would straddle 153/154 and moves on', 'a'.repeat(152) + '€' + 'a'.repeat(152), 'GSM-7', 3],
		['307 septets: the escape pair does not straddle', 'a'.repeat(153) + '€'.repeat(77), 'GSM-7', 3],
		['70 UCS-2 characters', 'Ž'.repeat(70), 'UCS-2', 1],
		['71 UCS-2 characters', 'Ž'.repeat(71), 'UCS-2', 2],
		['67 × 2 = 134 UCS-2 characters', 'Ž'.repeat(134), 'UCS-2', 2],
		['68 past two parts: 135 UCS-2 characters', 'Ž'.repeat(135), 'UCS-2', 3],
	])('%s', async (_, message, encoding, segments) => {
		const result = await run(emulator(), { parameters: send('0401234567', message) });
		expect(jsonOf(result)[0]).toMatchObject({ encoding, segments });
	});

	test('over the 10-segment maximum: refused with the count and the limit, nothing sent', async () => {
		const result = await run(emulator(), { parameters: send('0401234567', 'a'.repeat(1531)) });
		expect(result.error?.message).toBe(
			'Invalid Message "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…": is 11 SMS segments long (1531 GSM-7 characters); at most 10 segments are allowed [item 0]',
		);
		const ucs2 = await run(emulator(), { parameters: send('0401234567', '😀'.repeat(336)) });
		expect(ucs2.error?.message).toMatch(/is 11 SMS segments long \(672 UCS-2 units\); at most 10 segments are allowed — a character outside the GSM alphabet/);
		expect(emulator().requests).toHaveLength(0);
	});

	test.each([
		['an empty message from the item', send('0401234567', '={{ $json.empty }}'), 'Message is required [item 0]'],
		['a whitespace-only message', send('0401234567', '   \n '), 'Message is required [item 0]'],
		['a sender name with a space', send('0401234567', 'Hei', { senderName: 'Esim Oy' }), 'Invalid Sender Name "Esim Oy": expected 1 to 11 letters and digits with at least one letter, no spaces or symbols [item 0]'],
		['a sender name of 12 characters', send('0401234567', 'Hei', { senderName: 'Esimerkki123' }), 'Invalid Sender Name "Esimerkki123": expected 1 to 11 letters and digits with at least one letter, no spaces or symbols [item 0]'],
		['a phone with letters', send('040 CALL ME', 'Hei'), 'Invalid Recipient "040 CALL ME": expected a phone number in international form, e.g. +358401234567 (or a Finnish one such as 040 123 4567) [item 0]'],
	])('%s is refused before calling', async (_, parameters, message) => {
		const result = await run(emulator(), { parameters, items: [{ empty: '' }] });
		expect(result.error?.message).toBe(message);
		expect(emulator().requests).toHaveLength(0);
	});

	test('a timeout on item 2 of 5: one POST for it, an honest "may have been sent" error, the others sent once each', async () => {
		const items = [1, 2, 3, 4, 5].map((n) => ({ phone: `040 000 000${n}`, text: `Muistutus ${n}`, ref: `CI-${n}` }));
		emulator().addFault({ endpoint: 'sendSms', bodyContains: '"CI-2"', fault: { kind: 'slow', ms: 1500 } });
		const result = await run(emulator(), { parameters: sendFromItems, items, onError: 'continueRegularOutput' });
		const out = jsonOf(result);
		expect(out[1].error).toBe(
			'Cash-In did not answer within 1 seconds — the SMS may or may not have been sent. Check reference "CI-2" in Cash-In before sending it again [item 1]',
		);
		expect(out[1].message).toMatch(/did not send it again/);
		for (const i of [0, 2, 3, 4]) expect(out[i]).toMatchObject({ messageId: expect.any(String), recipient: `+35840000000${i + 1}` });
		expect(pairingOf(result)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		const posts = emulator().requestsTo('sendSms');
		for (const n of [1, 2, 3, 4, 5]) expect(posts.filter((r) => (r.body as IDataObject).reference === `CI-${n}`)).toHaveLength(1);
		expect(emulator().state.sms.filter((s) => s.body.reference === 'CI-2')).toHaveLength(1);
	});

	test('a 429 with Retry-After: the item is sent once, after the wait', async () => {
		emulator().addFault({ endpoint: 'sendSms', times: 1, fault: { kind: 'status', status: 429, retryAfter: '1' } });
		const started = Date.now();
		const result = await run(emulator(), { parameters: send('0401234567', 'Hei', { reference: 'CI-429' }) });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(emulator().requestsTo('sendSms').map((r) => [r.status, r.acted])).toEqual([
			[429, false],
			[200, true],
		]);
		expect(actedSms()).toHaveLength(1);
	});

	test('the partner key is never in output or errors', async () => {
		emulator().addFault({ endpoint: 'sendSms', times: 1, fault: { kind: 'status', status: 500, body: { message: `echo ${emulator().partnerKey}` } } });
		const result = await run(emulator(), { parameters: send('0401234567', 'Hei') });
		expect(result.error?.description).toContain('echo ••••');
		expect(visibleText(result)).not.toContain(emulator().partnerKey);
	});
});

errorMatrix(emulator, { endpoint: 'sendSms', parameters: (_, n) => send(`040 555 ${String(n).padStart(4, '0')}`, `Muistutus ${n}`, { reference: `CI-${n}` }) });
