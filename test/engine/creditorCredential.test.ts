import { errorMatrix } from '../harness/errorMatrix';
import { addCreditor, jsonOf, pairingOf, run, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();

const getCredentials = (creditorId: string, creditorKeyDisplay?: string) => ({
	resource: 'creditorCredential',
	operation: 'get',
	creditorId,
	...(creditorKeyDisplay ? { creditorKeyDisplay } : {}),
});

describe('Creditor Credential → Get', () => {
	test('returns the credentials with the key masked to its last 4 characters by default', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: getCredentials(creditor.creditorId) });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			{ creditorId: creditor.creditorId, customerCode: creditor.customerCode, environment: 'SANDBOX', apiKey: `••••${creditor.apiKey.slice(-4)}` },
		]);
		const [request] = emulator().requests;
		expect(request).toMatchObject({ method: 'GET', path: `/partner/creditors/${creditor.creditorId}/credentials`, auth: 'partner' });
	});

	test.each([
		['full', (key: string) => ({ apiKey: key })],
		['omit', () => ({})],
	])('key display "%s"', async (display, expected) => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: getCredentials(creditor.creditorId, display) });
		const [json] = jsonOf(result);
		expect(json).toEqual({ creditorId: creditor.creditorId, customerCode: creditor.customerCode, environment: 'SANDBOX', ...expected(creditor.apiKey) });
	});

	test('several items: one request and one output item each, in input order, each paired with its input', async () => {
		const creditors = [addCreditor(emulator()), addCreditor(emulator()), addCreditor(emulator()), addCreditor(emulator())];
		const result = await run(emulator(), {
			parameters: { ...getCredentials('={{ $json.id }}') },
			items: creditors.map((c) => ({ id: c.creditorId })),
		});
		expect(jsonOf(result).map((json) => json.creditorId)).toEqual(creditors.map((c) => c.creditorId));
		expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(emulator().requestsTo('getCreditorCredentials')).toHaveLength(4);
	});

	test('an ID with slashes or spaces is refused before any request, so it cannot change the path', async () => {
		const result = await run(emulator(), { parameters: getCredentials('../../token/validate x') });
		expect(emulator().requests).toHaveLength(0);
		expect(result.error?.message).toBe('Invalid Creditor ID "../../token/validate x": expected an ID without spaces, e.g. c_8f2k1 [item 0]');
	});

	test('an ID with characters that need encoding reaches only its own path, encoded', async () => {
		const result = await run(emulator(), { parameters: getCredentials('c_ä%20+&=') });
		expect(emulator().requests.map((r) => [r.path, r.params.creditorId])).toEqual([['/partner/creditors/c_%C3%A4%2520%2B%26%3D/credentials', 'c_ä%20+&=']]);
		expect(result.error?.message).toBe('Cash-In has nothing for creditor ID "c_ä%20+&=" [item 0]');
	});

	test('an empty Creditor ID stops the item before any request', async () => {
		const result = await run(emulator(), { parameters: getCredentials('  ') });
		expect(result.error?.message).toBe('Creditor ID is empty [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('the partner key is never in the output, even with the full creditor key shown', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: getCredentials(creditor.creditorId, 'full') });
		expect(visibleText(result)).not.toContain(emulator().partnerKey);
	});

	test('a sandbox credential without its URL gets a clear error, and nothing is sent', async () => {
		const result = await run(emulator(), { parameters: getCredentials('c_1'), credential: { sandboxBaseUrl: '' } });
		expect(result.error?.message).toBe('The Cash-In Partner credential has no Sandbox Base URL');
		expect(emulator().requests).toHaveLength(0);
	});

	test('with Continue (using error output) too, an unusable credential fails the run once, not each item', async () => {
		const result = await run(emulator(), {
			parameters: getCredentials('={{ $json.id }}'),
			items: [{ id: 'c_1' }, { id: 'c_2' }, { id: 'c_3' }],
			credential: { sandboxBaseUrl: '' },
			onError: 'continueErrorOutput',
		});
		expect(result.error?.message).toBe('The Cash-In Partner credential has no Sandbox Base URL');
		expect(emulator().requests).toHaveLength(0);
	});
});

errorMatrix(emulator, {
	endpoint: 'getCreditorCredentials',
	parameters: (emu) => getCredentials(addCreditor(emu).creditorId),
});
