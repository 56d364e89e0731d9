import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as agreement from './actions/agreement';
import * as creditor from './actions/creditor';
import * as creditorCredential from './actions/creditorCredential';
import * as delivery from './actions/delivery';
import { requestOptionsParameter } from './actions/options';
import { resourceMapping } from './actions/creditor/mapper';
import { router } from './actions/router';
import { DOCUMENTATION_URL, MAIN_CONNECTION } from './host';
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
		documentationUrl: DOCUMENTATION_URL,
		usableAsTool: true,
		// For n8n's AI workflow builder (n8n 2.x reads it; n8n 1.123 ignores it — test:compat loads the node on both).
		builderHint: {
			searchHint:
				'Cash-In (Finland) partner API: register or update creditors, get their API credentials and agreement IDs, read or watch invoice deliveries, send SMS reminders to debtors. Sending never repeats an item (alreadySent on repeats).',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-base.scheduleTrigger', relationHint: 'Run Invoice Delivery → Get Changes every morning over a creditor list' },
				{ nodeType: 'n8n-nodes-base.googleSheets', relationHint: 'Rows of creditors to register, or debtors to remind by SMS' },
				{ nodeType: 'n8n-nodes-base.webhook', relationHint: 'A CRM posts rows; one SMS per row' },
				{ nodeType: 'n8n-nodes-base.removeDuplicates', relationHint: 'Not needed before SMS → Send: the node skips items it already sent' },
				{ nodeType: 'n8n-nodes-base.if', relationHint: 'Branch on alreadySent, or on deliveryReport.status' },
			],
		},
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
