import { type IDataObject, type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { buildCreditorBody } from '../../contract/fields';
import { storedCreditorSchema, updateCreditorBody } from '../../contract/schemas';
import { creditorIdParameters, readId } from '../common';
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

const properties: INodeProperties[] = [
	...creditorIdParameters('The Cash-In ID of the creditor to update'),
	...inputModeParameters,
	columnsParameter('update', 'Only the fields you map are sent; everything else stays as it is in Cash-In. Contact or bank account columns replace ALL stored contact persons or bank accounts.'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are sent; everything else stays as it is in Cash-In',
		displayOptions: { show: { inputMode: ['fields'] } },
		options: [
			bankAccountsParameter('Replaces ALL stored bank accounts of the creditor with the ones listed here'),
			textField('businessId', { placeholder: 'e.g. 1234567-1' }),
			textField('name', { placeholder: 'e.g. Esimerkki Oy' }),
			contactsParameter('Replaces ALL stored contact persons with the ones listed here; include at least one Primary'),
			textField('country', { placeholder: 'e.g. FI', description: 'Two-letter ISO 3166 country code' }),
			...optionalCreditorFields,
			serviceTypeParameter,
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
	jsonBodyParameter('The fields to change, in the API\'s layout: any of service, creditor, contacts and bankAccounts. Lists replace the stored ones whole.'),
];

export const description = updateDisplayOptions({ show: { resource: ['creditor'], operation: ['update'] } }, properties);

export const effect: Effect = 'change';

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const creditorId = readId(this, 'creditorId', itemIndex, 'Creditor ID');
	const inputMode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	const fromJson = inputMode === 'json';
	let input: unknown;
	if (fromJson) {
		input = readJsonBody(this, itemIndex);
	} else if (inputMode === 'mapper') {
		input = buildCreditorBody(formOfRow(mappedRow(this, itemIndex)));
	} else {
		const { contacts, bankAccounts, ...fields } = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
		input = buildCreditorBody({ fields, ...readLists({ contacts, bankAccounts }) });
	}
	const body = validateInput(this.getNode(), updateCreditorBody, input, itemIndex, fromJson);
	return {
		label: `creditor ID "${creditorId}"`,
		async send(api) {
			const updated = await api.write({
				endpoint: ENDPOINTS.updateCreditor,
				pathParams: { creditorId },
				body: body as unknown as IDataObject,
				itemIndex,
				subject: `creditor ID "${creditorId}"`,
				response: storedCreditorSchema,
				responseLabel: 'the updated creditor',
			});
			return updated.warning === undefined ? { json: updated.answer as IDataObject } : { json: { creditorId, ...updated.answer }, warning: updated.warning };
		},
	};
}
