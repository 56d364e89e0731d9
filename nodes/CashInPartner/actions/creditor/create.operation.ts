import { type IDataObject, type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { buildCreditorBody } from '../../contract/fields';
import { createCreditorBody, createCreditorResponseSchema } from '../../contract/schemas';
import { type CreditorKeyDisplay, creditorKeyDisplayParameters, presentKeysIn } from '../common';
import { sentBeforeParameters } from '../sentBefore';
import type { Effect, PreparedItem } from '../types';
import { validateInput } from '../validate';
import {
	bankAccountsParameter,
	contactsParameter,
	inputModeParameters,
	jsonBodyParameter,
	optionalCreditorFields,
	readJsonBody,
	readLists,
	serviceTypeParameter,
	textField,
} from './fields';
import { columnsParameter, formOfRow, mappedRow } from './mapper';

const inFieldsMode = { show: { inputMode: ['fields'] } };

const properties: INodeProperties[] = [
	...inputModeParameters,
	columnsParameter('create', 'Each field of the creditor, from the input: map each column, or let the input fields be matched by name ("Business ID", "businessId"). Contact 1 is the Primary contact person unless Contact Role says otherwise.'),
	{ ...serviceTypeParameter, required: true, displayOptions: inFieldsMode },
	textField('name', { required: true, placeholder: 'e.g. Esimerkki Oy', description: 'Official name of the company', displayOptions: inFieldsMode }),
	textField('businessId', {
		required: true,
		placeholder: 'e.g. 1234567-1',
		description: 'Finnish business ID (Y-tunnus). Spaces and a missing leading zero are fixed; the check digit is verified.',
		displayOptions: inFieldsMode,
	}),
	textField('country', { required: true, default: 'FI', placeholder: 'e.g. FI', description: 'Two-letter ISO 3166 country code', displayOptions: inFieldsMode }),
	{
		...contactsParameter('People Cash-In may contact about this creditor. Add at least one with the role Primary.'),
		required: true,
		displayOptions: inFieldsMode,
	},
	{
		...bankAccountsParameter('Accounts debtors pay into. IBAN spaces are allowed; the IBAN is checked before sending.'),
		displayOptions: inFieldsMode,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: inFieldsMode,
		options: optionalCreditorFields,
	},
	jsonBodyParameter('The whole registration body as the Cash-In API defines it: service, creditor, contacts and bankAccounts'),
	...creditorKeyDisplayParameters,
	...sentBeforeParameters('Same Business ID'),
	{
		displayName:
			'Each item registers one creditor, and never twice: every item is checked before the first is sent, a registration Cash-In may have received without confirming it is reported rather than sent again, and with Skip Items Sent Before on (the default) running the workflow again or Retry in the executions list registers only what was not registered yet. Retry On Fail (in Settings) is safe too.',
		name: 'createNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['creditor'], operation: ['create'] } }, properties);

export const effect: Effect = 'create';

function readForm(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const param = (name: string) => ctx.getNodeParameter(name, itemIndex, '') as unknown;
	return buildCreditorBody({
		fields: {
			...(ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
			serviceType: param('serviceType'),
			name: param('name'),
			businessId: param('businessId'),
			country: param('country'),
		},
		...readLists({ contacts: param('contacts'), bankAccounts: param('bankAccounts') }),
	});
}

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const inputMode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	const fromJson = inputMode === 'json';
	const input = fromJson ? readJsonBody(this, itemIndex) : inputMode === 'mapper' ? buildCreditorBody(formOfRow(mappedRow(this, itemIndex))) : readForm(this, itemIndex);
	const body = validateInput(this.getNode(), createCreditorBody, input, itemIndex, fromJson);
	const display = this.getNodeParameter('creditorKeyDisplay', itemIndex, 'masked') as CreditorKeyDisplay;
	const businessId = body.creditor.businessCode;
	return {
		label: `business ID ${businessId}`,
		sameAs: { content: JSON.stringify(['creditor', businessId]), shown: { businessId } },
		async send(api) {
			const created = await api.write({
				endpoint: ENDPOINTS.createCreditor,
				body: body as unknown as IDataObject,
				itemIndex,
				subject: `business ID ${businessId}`,
				uncertainOutcome: `the creditor may or may not have been registered. Check in Cash-In whether business ID ${businessId} exists before running this item again`,
				response: createCreditorResponseSchema,
				responseLabel: 'the new creditor',
			});
			if (created.warning === undefined) return { json: presentKeysIn(created.answer as IDataObject, display) };
			// Registered, but the answer is not in the expected form: keep what it holds, keys still as the user chose.
			return { json: { creditorId: null, ...presentKeysIn(created.answer, display) }, warning: created.warning };
		},
	};
}
