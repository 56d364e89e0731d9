/**
 * Creditor → Create / Update from sheet rows with n8n's resource mapper (node version 2), through the
 * engine: what the emulator received is what counts. Version 1 keeps its defaults for saved workflows.
 */
import type { IDataObject } from 'n8n-workflow';

import { CashInPartner } from '../../nodes/CashInPartner/CashInPartner.node';
import { businessIdFor } from '../../emulator/seed';
import { addCreditor, jsonOf, run, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

let counter = 0;
const nextBusinessId = () => businessIdFor(20000 + ++counter);

/** A row as a Google Sheets node gives it: the header texts as field names. */
const sheetRow = (businessId: string): IDataObject => ({
	'Service Type': 'LIFECYCLE',
	'Company Name': 'Sarake Oy',
	'Business ID': businessId,
	'Country Code': 'fi',
	City: 'Oulu',
	Phone: '08 123 4567',
	'Contact Name': 'Maija Meikäläinen',
	'Contact Email': 'maija@sarake.fi',
	IBAN: 'FI21 1234 5600 0007 85',
	BIC: 'NDEAFIHH',
	'Not a creditor field': 'ignored',
});

const autoMap = { mappingMode: 'autoMapInputData', value: null };

describe('Creditor → Create with the column mapper', () => {
	test('Map Automatically: a sheet row whose headers are the field names becomes the creditor', async () => {
		const businessId = nextBusinessId();
		const result = await run(emulator(), { parameters: { resource: 'creditor', operation: 'create', columns: autoMap }, items: [sheetRow(businessId)], typeVersion: 2 });
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('createCreditor')[0].body).toEqual({
			service: { type: 'LIFECYCLE' },
			creditor: { name: 'Sarake Oy', businessCode: businessId, countryCode: 'FI', postalDistrict: 'Oulu', telephone: '+35881234567' },
			contacts: [{ role: 'PRIMARY', name: 'Maija Meikäläinen', email: 'maija@sarake.fi' }],
			bankAccounts: [{ iban: 'FI2112345600000785', bic: 'NDEAFIHH' }],
		});
		expect(jsonOf(result)[0]).toMatchObject({ creditorId: expect.stringMatching(/^c_/) });
	});

	test('Map Automatically also matches names that differ only in case, spaces or punctuation', async () => {
		const businessId = nextBusinessId();
		const row = { serviceType: 'DEBT_COLLECTION', company_name: 'Sarake Kaksi Oy', BUSINESSID: businessId, 'country-code': 'FI', contactName: 'Pekka', 'second contact name': 'Liisa', 'Second Contact Role': 'ACCOUNTANT' };
		const result = await run(emulator(), { parameters: { resource: 'creditor', operation: 'create', columns: autoMap }, items: [row], typeVersion: 2 });
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('createCreditor')[0].body).toEqual({
			service: { type: 'DEBT_COLLECTION' },
			creditor: { name: 'Sarake Kaksi Oy', businessCode: businessId, countryCode: 'FI' },
			contacts: [
				{ role: 'PRIMARY', name: 'Pekka' },
				{ role: 'ACCOUNTANT', name: 'Liisa' },
			],
		});
	});

	test('Map Each Column Manually: the mapped values, expressions resolved per item', async () => {
		const ids = [nextBusinessId(), nextBusinessId()];
		const result = await run(emulator(), {
			parameters: {
				resource: 'creditor',
				operation: 'create',
				columns: {
					mappingMode: 'defineBelow',
					value: { 'Service Type': 'LIFECYCLE', 'Company Name': '={{ $json.company }}', 'Business ID': '={{ $json.ytunnus }}', 'Country Code': 'FI', 'Contact Name': '={{ $json.contact }}' },
				},
			},
			items: ids.map((ytunnus, i) => ({ company: `Rivi ${i} Oy`, ytunnus, contact: `Yhteys ${i}` })),
			typeVersion: 2,
		});
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('createCreditor').map((r) => (r.body as { creditor: { businessCode: string } }).creditor.businessCode)).toEqual(ids);
	});

	test('a required column missing from the row: named, and nothing is sent for any row', async () => {
		const { 'Business ID': _dropped, ...row } = sheetRow('');
		const result = await run(emulator(), { parameters: { resource: 'creditor', operation: 'create', columns: autoMap }, items: [sheetRow(nextBusinessId()), row], typeVersion: 2 });
		expect(result.error?.message).toBe('Business ID is required [item 1]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('a new node (version 2) starts with the mapper; a version 1 node without the setting keeps "Using Fields Below"', async () => {
		const businessId = nextBusinessId();
		const v2 = await run(emulator(), { parameters: { resource: 'creditor', operation: 'create' }, items: [sheetRow(businessId)], typeVersion: 2 });
		// The mapper's default is "Map Each Column Manually" with nothing mapped yet: the required fields are named.
		expect(v2.error?.message).toMatch(/is required \[item 0\]$/);
		const v1 = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'create', serviceType: 'LIFECYCLE', name: 'Vanha Oy', businessId, country: 'FI', contacts: { contact: [{ role: 'PRIMARY', name: 'Maija' }] } },
			typeVersion: 1,
		});
		expect(v1.error).toBeUndefined();
		expect(jsonOf(v1)[0].creditorId).toEqual(expect.stringMatching(/^c_/));
	});
});

describe('Creditor → Update with the column mapper', () => {
	test('only the columns the row fills are sent; the creditor comes from a resource locator', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), {
			parameters: { resource: 'creditor', operation: 'update', creditorId: { __rl: true, mode: 'id', value: '={{ $json.creditorId }}' }, columns: autoMap },
			items: [{ creditorId: creditor.creditorId, City: 'Tampere', Phone: '050 111 2222', 'Company Name': '' }],
			typeVersion: 2,
		});
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('updateCreditor').map((r) => [r.params.creditorId, r.body])).toEqual([[creditor.creditorId, { creditor: { postalDistrict: 'Tampere', telephone: '+358501112222' } }]]);
	});

	test('a row with nothing to change is refused before calling', async () => {
		const creditor = addCreditor(emulator());
		const result = await run(emulator(), { parameters: { resource: 'creditor', operation: 'update', creditorId: { __rl: true, mode: 'id', value: creditor.creditorId }, columns: autoMap }, items: [{ other: 'x' }], typeVersion: 2 });
		expect(result.error?.message).toBe('Nothing to update: add at least one field to change [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});
});

test('the column list the editor shows: every creditor field once, the required ones marked for Create only', async () => {
	const node = new CashInPartner();
	const create = await node.methods.resourceMapping.getCreditorColumnsForCreate.call({} as never);
	const update = await node.methods.resourceMapping.getCreditorColumnsForUpdate.call({} as never);
	const ids = create.fields.map((field) => field.id);
	expect(new Set(ids).size).toBe(ids.length);
	expect(create.fields.filter((field) => field.required).map((field) => field.id)).toEqual(['Service Type', 'Company Name', 'Business ID', 'Country Code', 'Contact Name']);
	expect(update.fields.some((field) => field.required)).toBe(false);
	expect(create.fields.find((field) => field.id === 'Service Type')?.options?.map((option) => option.value)).toEqual(['COOP', 'DEBT_COLLECTION', 'INTERMEDIATION', 'LIFECYCLE']);
});

test("creditor keys are declared to n8n as sensitive output: hidden in the executions n8n shows", () => {
	expect(new CashInPartner().description.sensitiveOutputFields).toEqual(['credentials.apiKey', 'apiKey']);
});
