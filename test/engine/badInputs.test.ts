/**
 * Bad input, table-driven: every row is one item through the engine with one bad value. Each must end
 * as a clear error naming the field, the value and what is expected — and not one request may be sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { businessIdFor } from '../../emulator/seed';
import { jsonOf, pairingOf, run, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const valid: IDataObject = {
	name: 'Esimerkki Oy',
	businessId: businessIdFor(77),
	country: 'FI',
	language: 'FI',
	phone: '040 123 4567',
	email: 'laskutus@esimerkki.fi',
	website: 'https://esimerkki.fi',
	postalCode: '00100',
	vatNumber: '',
	contactRole: 'PRIMARY',
	contactName: 'Maija',
	contactEmail: 'maija@esimerkki.fi',
	contactPhone: '040 765 4321',
	iban: 'FI21 1234 5600 0007 85',
	bic: 'NDEAFIHH',
};

const fromItem = (field: string) => `={{ $json.${field} }}`;

const createCreditorFromItems = {
	resource: 'creditor',
	operation: 'create',
	serviceType: 'LIFECYCLE',
	name: fromItem('name'),
	businessId: fromItem('businessId'),
	country: fromItem('country'),
	contacts: { contact: [{ role: fromItem('contactRole'), name: fromItem('contactName'), email: fromItem('contactEmail'), phone: fromItem('contactPhone') }] },
	bankAccounts: { account: [{ iban: fromItem('iban'), bic: fromItem('bic') }] },
	additionalFields: {
		language: fromItem('language'),
		phone: fromItem('phone'),
		email: fromItem('email'),
		website: fromItem('website'),
		postalCode: fromItem('postalCode'),
		vatNumber: fromItem('vatNumber'),
	},
};

/** [field, bad value, the start of the expected error] */
const badCreditorInputs: Array<[string, string, string]> = [
	['businessId', '1234567-2', 'Invalid Business ID "1234567-2": expected a business ID whose check digit matches'],
	['businessId', '1234567', 'Invalid Business ID "1234567": expected 7 digits, a hyphen and a check digit'],
	['businessId', '12345-6', 'Invalid Business ID "12345-6": expected 7 digits'],
	['businessId', 'ABC1234-5', 'Invalid Business ID "ABC1234-5"'],
	['businessId', '0000006-0', 'Invalid Business ID "0000006-0": expected a real business ID'],
	['businessId', '', 'Business ID is required'],
	['name', '', 'Company Name is required'],
	['country', 'XX', 'Invalid Country Code "XX": expected a two-letter ISO 3166 country code'],
	['country', 'FIN', 'Invalid Country Code "FIN"'],
	['language', 'XY', 'Invalid Language "XY": expected a two-letter ISO 639-1 language code'],
	['language', 'FIN', 'Invalid Language "FIN"'],
	['phone', '040 12', 'Invalid Phone "040 12": expected a phone number in international form'],
	['phone', 'n/a', 'Invalid Phone "n/a"'],
	['email', 'laskutus(at)esimerkki.fi', 'Invalid Email "laskutus(at)esimerkki.fi": expected an email address'],
	['email', 'laskutus@', 'Invalid Email "laskutus@"'],
	['website', 'esimerkki.fi', 'Invalid Website "esimerkki.fi": expected a web address starting with https://'],
	['website', 'ftp://esimerkki.fi', 'Invalid Website "ftp://esimerkki.fi": expected a web address starting with https:// or http://'],
	['postalCode', '100', 'Invalid Postal Code "100": expected 5 digits for a Finnish postal code'],
	['vatNumber', 'FI12345672', 'Invalid VAT Number "FI12345672": expected FI followed by the 8 digits of a valid business ID'],
	['vatNumber', 'FI06461158', 'Invalid VAT Number "FI06461158": expected FI'],
	['contactRole', 'BOSS', 'Invalid Contact Persons (1) › Role "BOSS": expected one of ACCOUNTANT, PRIMARY, TECHNICAL'],
	['contactRole', 'TECHNICAL', 'Invalid Contact Persons: expected at least one contact person with the role Primary'],
	['contactName', '', 'Contact Persons (1) › Name is required'],
	['contactEmail', 'maija', 'Invalid Contact Persons (1) › Email "maija": expected an email address'],
	['contactPhone', '123', 'Invalid Contact Persons (1) › Phone "123": expected a phone number'],
	['iban', 'FI21 1234 5600 0007 86', 'Invalid Bank Accounts (1) › IBAN "FI21 1234 5600 0007 86": expected an IBAN whose check digits match'],
	['iban', 'FI21 1234 5600 0007', 'Invalid Bank Accounts (1) › IBAN "FI21 1234 5600 0007": expected 18 characters for a FI IBAN (got 16)'],
	['iban', 'ZZ21 1234 5600 0007 85', 'Invalid Bank Accounts (1) › IBAN "ZZ21 1234 5600 0007 85": expected an IBAN of a country that uses IBANs'],
	['iban', '1234-5678', 'Invalid Bank Accounts (1) › IBAN "1234-5678": expected a country code, 2 check digits'],
	['bic', 'NDEAFI', 'Invalid Bank Accounts (1) › BIC "NDEAFI": expected 8 or 11 letters and digits'],
	['bic', 'NDEAZZHH', 'Invalid Bank Accounts (1) › BIC "NDEAZZHH"'],
];

const badSmsInputs: Array<[IDataObject, string]> = [
	[{ phone: '040 CALL ME' }, 'Invalid Recipient "040 CALL ME": expected a phone number in international form'],
	[{ phone: '' }, 'Recipient is required'],
	[{ phone: '+0 40 123' }, 'Invalid Recipient "+0 40 123"'],
	[{ text: '' }, 'Message is required'],
	[{ text: 'x'.repeat(1531) }, 'Invalid Message "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…": is 11 SMS segments long (1531 GSM-7 characters); at most 10 segments are allowed'],
	[{ text: 'ä'.repeat(1200) + 'ž' }, 'Invalid Message'],
	[{ sender: 'Esimerkki Oy' }, 'Invalid Sender Name "Esimerkki Oy": expected 1 to 11 letters and digits'],
	[{ sender: '12345' }, 'Invalid Sender Name "12345": expected 1 to 11 letters and digits with at least one letter'],
	[{ sender: 'Esimerkki!' }, 'Invalid Sender Name "Esimerkki!"'],
	[{ ref: 'x'.repeat(65) }, 'Invalid Reference'],
];

test(`at least 30 bad inputs across the validators: ${badCreditorInputs.length + badSmsInputs.length} refused before any request`, async () => {
	expect(badCreditorInputs.length + badSmsInputs.length).toBeGreaterThanOrEqual(30);

	const creditorRun = await run(emulator(), {
		parameters: createCreditorFromItems,
		items: badCreditorInputs.map(([field, value]) => ({ ...valid, [field]: value })),
		onError: 'continueRegularOutput',
	});
	const creditorErrors = jsonOf(creditorRun).map((json) => json.error as string);
	badCreditorInputs.forEach(([, , expected], i) => {
		expect(creditorErrors[i]).toMatch(new RegExp(`^${escape(expected)}`));
		expect(creditorErrors[i].endsWith(`[item ${i}]`)).toBe(true);
	});
	expect(pairingOf(creditorRun)).toEqual(badCreditorInputs.map((_, item) => ({ item })));

	const smsRun = await run(emulator(), {
		parameters: {
			resource: 'sms',
			operation: 'send',
			recipient: fromItem('phone'),
			message: fromItem('text'),
			additionalFields: { senderName: fromItem('sender'), reference: fromItem('ref') },
		},
		items: badSmsInputs.map(([overrides]) => ({ phone: '0401234567', text: 'Hei', sender: 'Esimerkki', ref: 'CI-1', ...overrides })),
		onError: 'continueRegularOutput',
	});
	const smsErrors = jsonOf(smsRun).map((json) => json.error as string);
	badSmsInputs.forEach(([, expected], i) => {
		expect(smsErrors[i]).toMatch(new RegExp(`^${escape(expected)}`));
		expect(smsErrors[i].endsWith(`[item ${i}]`)).toBe(true);
	});

	expect(emulator().requests).toHaveLength(0);
});

test('the same rows with valid values all go through (the table tests the values, not the setup)', async () => {
	const result = await run(emulator(), {
		parameters: createCreditorFromItems,
		items: [{ ...valid, businessId: businessIdFor(78) }],
	});
	expect(result.error).toBeUndefined();
	expect(emulator().requestsTo('createCreditor')).toHaveLength(1);
});

function escape(text: string) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
