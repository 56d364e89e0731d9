/** Workflows of the queue-mode tier and `npm run start:queue`. */
import { EMULATOR_CREDENTIAL } from '../../testing/n8n';

export const BULK_SMS_WORKFLOW_ID = 'QueueBulkSms00001';
export const BULK_SMS_WEBHOOK_PATH = 'cash-in-bulk-sms';
export const FAILED_DELIVERY_WORKFLOW_ID = 'QueueFailedDeliv01';
export const TRIGGER_NODE = 'Failed deliveries';

const credentials = { cashInPartnerApi: EMULATOR_CREDENTIAL };

/**
 * A CRM-style bulk job: POST `{ rows: [{ phone, message, ref }] }` to the webhook, every row becomes one SMS.
 * The SMS reference is the row's `ref` plus the execution's id, so the API's log tells which execution
 * sent which message (and so, with the workers' logs, which worker).
 */
export const bulkSmsWorkflow = {
	id: BULK_SMS_WORKFLOW_ID,
	name: 'Queue: bulk SMS from a webhook',
	nodes: [
		{
			id: 'q-1',
			name: 'Rows arrive',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '5c0f6f4e-6a55-4c1e-9a53-0b1c2d3e4f50',
			parameters: { httpMethod: 'POST', path: BULK_SMS_WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
		},
		{ id: 'q-2', name: 'One item per row', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.rows', options: {} } },
		{
			id: 'q-3',
			name: 'Send SMS',
			type: 'n8n-nodes-cash-in-partner.cashInPartner',
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				resource: 'sms',
				operation: 'send',
				recipient: '={{ $json.phone }}',
				message: '={{ $json.message }}',
				additionalFields: { reference: '={{ $json.ref }}/{{ $execution.id }}' },
				options: {},
			},
			credentials,
		},
	],
	connections: {
		'Rows arrive': { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
		'One item per row': { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] },
	},
	active: false,
	settings: { executionOrder: 'v1' },
};

export const RETRY_SMS_WORKFLOW_ID = 'QueueRetrySms0001';
export const RETRY_SMS_WEBHOOK_PATH = 'cash-in-retry-sms';

/**
 * The same bulk job as a partner builds it: the row's own reference, the node at its defaults (version 2,
 * Stop Workflow, Skip Items Sent Before on). For n8n's Retry of an execution that failed on a worker.
 */
export const retrySmsWorkflow = {
	...bulkSmsWorkflow,
	id: RETRY_SMS_WORKFLOW_ID,
	name: 'Queue: bulk SMS, retried after a refusal',
	nodes: bulkSmsWorkflow.nodes.map((node) =>
		node.name === 'Rows arrive'
			? { ...node, id: 'qr-1', webhookId: '5c0f6f4e-6a55-4c1e-9a53-0b1c2d3e4f51', parameters: { ...node.parameters, path: RETRY_SMS_WEBHOOK_PATH } }
			: node.name === 'Send SMS'
				? { ...node, id: 'qr-3', typeVersion: 2, parameters: { ...node.parameters, additionalFields: { reference: '={{ $json.ref }}' } } }
				: { ...node, id: `qr-${node.id}` },
	),
};

/** The trigger polls on main every minute (n8n's shortest poll interval); a worker runs what it fires. */
export function failedDeliveryWorkflow(sellerId: string) {
	return {
		id: FAILED_DELIVERY_WORKFLOW_ID,
		name: 'Queue: failed deliveries',
		nodes: [
			{
				id: 'f-1',
				name: TRIGGER_NODE,
				type: 'n8n-nodes-cash-in-partner.cashInPartnerTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'deliveryFailed', sellerIds: sellerId },
				credentials,
			},
			{ id: 'f-2', name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { [TRIGGER_NODE]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

export interface SmsRow {
	phone: string;
	message: string;
	ref: string;
}

/** `count` rows with references `<prefix>-<i>`; phone numbers stay valid Finnish mobiles. */
export function smsRows(prefix: string, count: number, offset = 0): SmsRow[] {
	return Array.from({ length: count }, (_, i) => ({
		phone: `+35840${String(1_000_000 + offset + i).slice(-7)}`,
		message: `Hei! Laskunne ${prefix}-${i} on erääntynyt. Maksathan sen pian.`,
		ref: `${prefix}-${i}`,
	}));
}
