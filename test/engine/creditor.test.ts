import type { IDataObject } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { errorMatrix } from '../harness/errorMatrix';
import { addCreditor, createFromItems, jsonOf, pairingOf, run, useEmulator, visibleText } from '../harness/fixtures';

const emulator = useEmulator();

let serial = 0;
const uniqueBusinessId = () => businessIdFor(9000 + ++serial);

/** The create parameters as a user fills the fields, from one sheet row. */
function createFromFields(row: IDataObject = {}): IDataObject {
	return {
		resource: 'creditor',
		operation: 'create',
		inputMode: 'fields',
		serviceType: 'LIFECYCLE',
		name: 'Esimerkki Oy',
		businessId: uniqueBusinessId(),
		country: 'FI',
		contacts: { contact: [{ role: 'PRIMARY', name: 'Maija Meikäläinen', email: 'maija@esimerkki.fi', phone: '040 123 4567' }] },
		...row,
	};
}

const sheetRow = (overrides: IDataObject = {}) => ({
	name: 'Esimerkki Oy',
	businessId: uniqueBusinessId(),
	iban: 'FI21 1234 5600 0007 85',
	...overrides,
});

/** createFromItems with each row's IBAN, one request at a time. */
const createWithIban = {
	...createFromItems,
	bankAccounts: { account: [{ iban: '={{ $json.iban }}', bic: 'NDEAFIHH' }] },
	options: { parallelRequests: 1 },
};

describe('Creditor → Create', () => {
	test('a full create from fields: every section arrives normalised, the credentials come back masked', async () => {
		const businessId = uniqueBusinessId();
		const result = await run(emulator(), {
			parameters: createFromFields({
				businessId: ` ${businessId.replace('-', ' - ')} `,
				country: 'fi',
				bankAccounts: { account: [{ iban: 'fi21 1234 5600 0007 85', bic: 'ndeafihh' }] },
				additionalFields: {
					partnerCode: 'ACME1',
					vatNumber: `fi${businessId.replace('-', '')}`,
					streetAddress: 'Esimerkkikatu 1',
					postalCode: '00100',
					city: 'HELSINKI',
					language: 'sv',
					phone: '09 123 4567',
					email: 'laskutus@esimerkki.fi',
					website: 'https://esimerkki.fi',
				},
			}),
		});
		expect(result.error).toBeUndefined();
		const [request] = emulator().requestsTo('createCreditor');
		expect(request.body).toEqual({
			service: { type: 'LIFECYCLE', partnerCode: 'ACME1' },
			creditor: {
				name: 'Esimerkki Oy',
				businessCode: businessId,
				vatRegNbr: `FI${businessId.replace('-', '')}`,
				postalAddress: 'Esimerkkikatu 1',
				postalCode: '00100',
				postalDistrict: 'HELSINKI',
				countryCode: 'FI',
				languageCode: 'SV',
				telephone: '+35891234567',
				email: 'laskutus@esimerkki.fi',
				website: 'https://esimerkki.fi',
			},
			contacts: [{ role: 'PRIMARY', name: 'Maija Meikäläinen', email: 'maija@esimerkki.fi', telephone: '+358401234567' }],
			bankAccounts: [{ iban: 'FI2112345600000785', bic: 'NDEAFIHH' }],
		});
		const stored = emulator().state.findByBusinessId(businessId)!;
		expect(jsonOf(result)).toEqual([
			{
				creditorId: stored.creditorId,
				customerCode: stored.customerCode,
				paymentReferencePrefix: stored.paymentReferencePrefix,
				credentials: { apiKey: `••••${stored.apiKey.slice(-4)}`, environment: 'SANDBOX' },
				alreadySent: false,
			},
		]);
	});

	test('a full create from JSON, validated and normalised the same way', async () => {
		const businessId = uniqueBusinessId();
		const body = {
			service: { type: 'DEBT_COLLECTION' },
			creditor: { name: 'Perintä Oy', businessCode: businessId.replace('-', ''), countryCode: 'fi', telephone: '040 765 4321' },
			contacts: [{ role: 'PRIMARY', name: 'Pekka' }, { role: 'TECHNICAL', name: 'Tiina', email: 'tiina@perinta.fi' }],
			bankAccounts: [{ iban: 'FI21 1234 5600 0007 85' }],
		};
		const result = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'create', inputMode: 'json', jsonBody: JSON.stringify(body), creditorKeyDisplay: 'full' },
		});
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('createCreditor')[0].body).toEqual({
			...body,
			creditor: { name: 'Perintä Oy', businessCode: businessId, countryCode: 'FI', telephone: '+358407654321' },
			bankAccounts: [{ iban: 'FI2112345600000785' }],
		});
		expect(jsonOf(result)[0].credentials).toEqual({ apiKey: emulator().state.findByBusinessId(businessId)!.apiKey, environment: 'SANDBOX' });
	});

	test('JSON mode names the JSON path of a bad field and refuses unknown fields', async () => {
		const result = await run(emulator(), {
			parameters: {
				resource: 'creditor',
				operation: 'create',
				inputMode: 'json',
				jsonBody: JSON.stringify({ service: { type: 'LIFECYCLE' }, creditor: { name: 'X', businesCode: '1234567-1', countryCode: 'FI' }, contacts: [{ role: 'PRIMARY', name: 'M' }] }),
			},
		});
		expect(result.error?.message).toBe('Business ID (creditor.businessCode) is required [item 0]');
		expect((result.error as { description?: string }).description).toContain('Creditor (creditor) has unknown fields: businesCode');
		expect(emulator().requests).toHaveLength(0);
	});

	test('three rows, one bad business ID and one bad IBAN: two clear errors, one creditor created, exactly one POST', async () => {
		const rows = [sheetRow({ businessId: '1234567-2' }), sheetRow(), sheetRow({ iban: 'FI21 1234 5600 0007 86' })];
		const result = await run(emulator(), { parameters: createWithIban, items: rows, onError: 'continueRegularOutput' });
		const out = jsonOf(result);
		expect(out[0].error).toBe(
			'Invalid Business ID "1234567-2": expected a business ID whose check digit matches (for 1234567 it is 1) [item 0]',
		);
		expect(out[1]).toMatchObject({ creditorId: expect.any(String), credentials: { environment: 'SANDBOX' } });
		expect(out[2].error).toBe('Invalid Bank Accounts (1) › IBAN "FI21 1234 5600 0007 86": expected an IBAN whose check digits match (one character may be mistyped) [item 2]');
		expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(emulator().requestsTo('createCreditor')).toHaveLength(1);
		expect(emulator().requestsTo('createCreditor')[0].body).toMatchObject({ creditor: { businessCode: rows[1].businessId } });
	});

	test('without continue-on-fail the first bad row stops the run and names its item', async () => {
		const rows = [sheetRow(), sheetRow({ businessId: 'abc' })];
		const result = await run(emulator(), { parameters: createWithIban, items: rows });
		expect(result.error?.message).toBe('Invalid Business ID "abc": expected 7 digits, a hyphen and a check digit, e.g. 1234567-1 [item 1]');
		expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
	});

	test('a business ID already registered gives the API refusal (402) per item, not a crash', async () => {
		const existing = addCreditor(emulator());
		const rows = [sheetRow({ businessId: existing.creditor.businessCode }), sheetRow()];
		const result = await run(emulator(), { parameters: createWithIban, items: rows, onError: 'continueRegularOutput' });
		const out = jsonOf(result);
		expect(out[0].error).toBe(`Cash-In declined this request: A creditor with business ID ${existing.creditor.businessCode} already exists [item 0]`);
		expect(out[0].message).toMatch(/Cash-In did not carry out this item/);
		expect(out[1].creditorId).toEqual(expect.any(String));
		expect(emulator().requestsTo('createCreditor').map((r) => r.status)).toEqual([402, 201]);
	});

	test('the API\'s own field errors (400) are shown per field by label', async () => {
		emulator().addFault({
			endpoint: 'createCreditor',
			fault: { kind: 'status', status: 400, body: { message: 'Validation failed', errors: [{ field: 'contacts.0.email', message: 'domain does not accept mail' }, { field: 'creditor.postalDistrict', message: 'unknown city' }] } },
		});
		const result = await run(emulator(), { parameters: createFromFields() });
		expect(result.error?.message).toBe('Cash-In refused the request as invalid: Contact Persons (1) › Email: domain does not accept mail [item 0]');
		expect((result.error as { description?: string }).description).toContain('• City: unknown city');
	});

	test('a creditor without a Primary contact is refused before calling', async () => {
		const result = await run(emulator(), { parameters: createFromFields({ contacts: { contact: [{ role: 'TECHNICAL', name: 'T' }] } }) });
		expect(result.error?.message).toBe('Invalid Contact Persons: expected at least one contact person with the role Primary [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('the new creditor key is masked and the partner key appears nowhere', async () => {
		const result = await run(emulator(), { parameters: createFromFields() });
		expect(visibleText(result)).not.toContain(emulator().partnerKey);
		expect(JSON.stringify(jsonOf(result))).toMatch(/"apiKey":"••••/);
	});
});

describe('Creditor → Update', () => {
	const update = (creditorId: string, updateFields: IDataObject) => ({ resource: 'creditor', operation: 'update', creditorId, updateFields });

	test('sends only the fields the user set', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: update(creditor.creditorId, { city: 'TAMPERE', phone: '050 111 2222' }) });
		expect(result.error).toBeUndefined();
		const [request] = emulator().requestsTo('updateCreditor');
		expect(request.method).toBe('PUT');
		expect(request.body).toEqual({ creditor: { postalDistrict: 'TAMPERE', telephone: '+358501112222' } });
		expect(jsonOf(result)[0]).toMatchObject({ creditorId: creditor.creditorId, creditor: { name: creditor.creditor.name, postalDistrict: 'TAMPERE' } });
	});

	test('contact persons and bank accounts replace the stored lists whole', async () => {
		const creditor = addCreditor(emulator());
		await run(emulator(), {
			parameters: update(creditor.creditorId, {
				serviceType: 'COOP',
				contacts: { contact: [{ role: 'PRIMARY', name: 'Uusi Henkilö' }] },
				bankAccounts: { account: [{ iban: 'DE89 3704 0044 0532 0130 00' }] },
			}),
		});
		expect(emulator().requestsTo('updateCreditor')[0].body).toEqual({
			service: { type: 'COOP' },
			contacts: [{ role: 'PRIMARY', name: 'Uusi Henkilö' }],
			bankAccounts: [{ iban: 'DE89370400440532013000' }],
		});
		const stored = emulator().state.creditors.get(creditor.creditorId)!;
		expect(stored.contacts).toEqual([{ role: 'PRIMARY', name: 'Uusi Henkilö' }]);
		expect(stored.creditor.name).toBe(creditor.creditor.name);
	});

	test('an update with nothing to change is refused before calling', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: update(creditor.creditorId, {}) });
		expect(result.error?.message).toBe('Nothing to update: add at least one field to change [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('a VAT number that does not match the business ID is refused', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: update(creditor.creditorId, { businessId: '1234567-1', vatNumber: 'FI07654321' }) });
		expect(result.error?.message).toBe('Invalid VAT Number "FI07654321": expected FI followed by the 8 digits of a valid business ID, e.g. FI12345671 [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('a Finnish VAT number of another company is refused with the expected one', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: update(creditor.creditorId, { businessId: '1234567-1', vatNumber: 'FI06461158' }) });
		expect(result.error?.message).toBe('Invalid VAT Number "FI06461158": expected FI12345671, the VAT number of business ID 1234567-1 [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('JSON mode sends exactly the sections given', async () => {
		const creditor = addCreditor(emulator());
		await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'update', creditorId: creditor.creditorId, inputMode: 'json', jsonBody: '{"creditor":{"email":"uusi@esimerkki.fi"}}' },
		});
		expect(emulator().requestsTo('updateCreditor')[0].body).toEqual({ creditor: { email: 'uusi@esimerkki.fi' } });
	});
});

errorMatrix(emulator, { endpoint: 'createCreditor', parameters: () => createFromFields() });
errorMatrix(emulator, { endpoint: 'updateCreditor', parameters: (emu) => update(addCreditor(emu).creditorId, { city: 'ESPOO' }) });

function update(creditorId: string, updateFields: IDataObject) {
	return { resource: 'creditor', operation: 'update', creditorId, updateFields };
}
