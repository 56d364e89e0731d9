/**
 * The creditor's editable fields as node parameters, shared by Create and Update. Names are the node's
 * own (stable for saved workflows); labels come from the contract's field table.
 */
import { type IExecuteFunctions, type INodeProperties, NodeOperationError } from 'n8n-workflow';

import { CONTACT_ROLES, PRIMARY_CONTACT_ROLE, SERVICE_TYPES } from '../../contract/endpoints';
import { BANK_ACCOUNT_FIELDS, buildCreditorBody, CONTACT_FIELDS, CREDITOR_FIELDS, type CreditorForm, SERVICE_FIELDS } from '../../contract/fields';

const F = CREDITOR_FIELDS;

export const serviceTypeParameter: INodeProperties = {
	displayName: SERVICE_FIELDS.serviceType.label,
	name: 'serviceType',
	type: 'options',
	options: SERVICE_TYPES.map(({ name, value }) => ({ name, value })),
	default: 'LIFECYCLE',
	description: 'Which Cash-In service the creditor uses',
};

export const textField = (key: keyof typeof F, extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: F[key].label,
	name: key,
	type: 'string',
	default: '',
	...extra,
});

/** Optional creditor fields (Create: "Additional Fields"; Update: part of "Update Fields"). */
export const optionalCreditorFields: INodeProperties[] = [
	textField('city', { placeholder: 'e.g. Helsinki' }),
	textField('email', { placeholder: 'e.g. laskutus@esimerkki.fi', description: 'Billing email of the company' }),
	textField('language', { placeholder: 'e.g. FI', description: 'Two-letter ISO 639-1 code of the creditor\'s language: FI, SV or EN' }),
	{
		displayName: SERVICE_FIELDS.partnerCode.label,
		name: 'partnerCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. ACME1',
		description: 'Your partner code at Cash-In, if Cash-In gave you one',
	},
	textField('phone', { placeholder: 'e.g. +358401234567', description: 'Company phone; Finnish numbers such as 09 123 4567 are converted to +358…' }),
	textField('postalCode', { placeholder: 'e.g. 00100' }),
	textField('streetAddress', { placeholder: 'e.g. Esimerkkikatu 1' }),
	textField('vatNumber', { placeholder: 'e.g. FI12345671', description: 'For a Finnish company: FI and the 8 digits of the business ID' }),
	textField('website', { placeholder: 'e.g. https://esimerkki.fi' }),
];

const contactValues: INodeProperties[] = [
	{
		displayName: CONTACT_FIELDS.role.label,
		name: 'role',
		type: 'options',
		options: CONTACT_ROLES.map(({ name, value }) => ({ name, value })),
		default: PRIMARY_CONTACT_ROLE,
	},
	{ displayName: CONTACT_FIELDS.name.label, name: 'name', type: 'string', default: '', placeholder: 'e.g. Maija Meikäläinen' },
	{ displayName: CONTACT_FIELDS.email.label, name: 'email', type: 'string', default: '', placeholder: 'e.g. maija@esimerkki.fi' },
	{ displayName: CONTACT_FIELDS.phone.label, name: 'phone', type: 'string', default: '', placeholder: 'e.g. +358401234567' },
];

export const contactsParameter = (description: string): INodeProperties => ({
	displayName: 'Contact Persons',
	name: 'contacts',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Contact Person',
	default: {},
	description,
	options: [{ displayName: 'Contact Person', name: 'contact', values: contactValues }],
});

export const bankAccountsParameter = (description: string): INodeProperties => ({
	displayName: 'Bank Accounts',
	name: 'bankAccounts',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Bank Account',
	default: {},
	description,
	options: [
		{
			displayName: 'Bank Account',
			name: 'account',
			values: [
				{ displayName: BANK_ACCOUNT_FIELDS.iban.label, name: 'iban', type: 'string', default: '', placeholder: 'e.g. FI21 1234 5600 0007 85' },
				{ displayName: BANK_ACCOUNT_FIELDS.bic.label, name: 'bic', type: 'string', default: '', placeholder: 'e.g. NDEAFIHH' },
			],
		},
	],
});

const inputMode: INodeProperties = {
	displayName: 'Define Creditor',
	name: 'inputMode',
	type: 'options',
	options: [
		{ name: 'Map Input Columns', value: 'mapper', description: 'One column per field, e.g. from a sheet row: map each column, or let the columns be matched by name' },
		{ name: 'Using Fields Below', value: 'fields' },
		{ name: 'Using JSON', value: 'json', description: 'Map a whole request body, e.g. from an earlier node' },
	],
	default: 'mapper',
};

/**
 * How the creditor is given. Node version 1 (every workflow saved with 0.3.0 or earlier) keeps "Using
 * Fields Below" as its default — n8n saves only parameters that differ from the default, so changing it
 * would change those workflows; from version 2, new nodes start with the column mapper.
 */
export const inputModeParameters: INodeProperties[] = [
	{ ...inputMode, default: 'fields', displayOptions: { show: { '@version': [1] } } },
	{ ...inputMode, displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } } },
];

/** A starting point for JSON mode, in the API's layout, built from the contract so it never goes stale. */
const EXAMPLE_JSON_BODY = JSON.stringify(
	buildCreditorBody({
		fields: { serviceType: 'LIFECYCLE', name: 'Esimerkki Oy', businessId: '1234567-1', country: 'FI' },
		contacts: [{ role: PRIMARY_CONTACT_ROLE, name: 'Maija Meikäläinen', email: 'maija@esimerkki.fi' }],
	}),
	null,
	2,
);

export const jsonBodyParameter = (description: string): INodeProperties => ({
	displayName: 'JSON',
	name: 'jsonBody',
	type: 'json',
	default: EXAMPLE_JSON_BODY,
	required: true,
	description,
	displayOptions: { show: { inputMode: ['json'] } },
});

type Repeated<K extends string> = { [key in K]?: Array<Record<string, unknown>> };

/** The repeatable groups as lists; undefined when the user added none (so Update leaves them alone). */
export function readLists(raw: { contacts?: unknown; bankAccounts?: unknown }): Pick<CreditorForm, 'contacts' | 'bankAccounts'> {
	const contacts = (raw.contacts as Repeated<'contact'> | undefined)?.contact;
	const accounts = (raw.bankAccounts as Repeated<'account'> | undefined)?.account;
	return {
		contacts: contacts?.length ? contacts : undefined,
		bankAccounts: accounts?.length ? accounts : undefined,
	};
}

/** The JSON body parameter, parsed; a string that is not JSON is a clear item error. */
export function readJsonBody(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const raw = ctx.getNodeParameter('jsonBody', itemIndex) as unknown;
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `JSON is not valid JSON: ${(error as Error).message} [item ${itemIndex}]`, {
			itemIndex,
			description: 'Check the brackets, quotes and commas of the JSON. Nothing was sent to Cash-In for this item.',
		});
	}
}
