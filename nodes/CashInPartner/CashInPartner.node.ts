import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as agreement from './actions/agreement';
import * as creditor from './actions/creditor';
import * as creditorCredential from './actions/creditorCredential';
import * as delivery from './actions/delivery';
import { requestOptionsParameter } from './actions/options';
import { resourceMapping } from './actions/creditor/mapper';
import { router } from './actions/router';
import { MAIN_CONNECTION } from './host';
import * as sms from './actions/sms';

export class CashInPartner implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cash-In Partner',
		name: 'cashInPartner',
		icon: { light: 'file:cashInPartner.svg', dark: 'file:cashInPartner.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Register and update Cash-In creditors, fetch their credentials and agreement identifiers, watch their invoice deliveries and send debtor SMS",
		defaults: { name: 'Cash-In Partner' },
		usableAsTool: true,
		// Creditor keys (Creditor → Create, Creditor Credential → Get): n8n 2.x hides these in the executions it
		// stores and shows, while the next node still receives them.
		sensitiveOutputFields: ['credentials.apiKey', 'apiKey'],
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'cashInPartnerApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Agreement', value: 'agreement', description: "A creditor's external agreement identifiers" },
					{ name: 'Creditor', value: 'creditor', description: 'A company that invoices through Cash-In' },
					{ name: 'Creditor Credential', value: 'creditorCredential', description: "A creditor's API credentials" },
					{ name: 'Invoice Delivery', value: 'delivery', description: "How a creditor's invoices reached their recipients" },
					{ name: 'SMS', value: 'sms', description: 'A text message to a debtor' },
				],
				default: 'creditor',
			},
			...agreement.description,
			...creditor.description,
			...creditorCredential.description,
			...delivery.description,
			...sms.description,
			requestOptionsParameter,
		],
	};

	methods = { resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
