import { type IDataObject, type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS, SMS_MAX_SEGMENTS, SMS_SENDER_MAX_LENGTH } from '../../contract/endpoints';
import { buildSmsBody, SMS_FIELDS } from '../../contract/fields';
import { sendSmsBody, sendSmsResponseSchema } from '../../contract/schemas';
import { segmentSms } from '../../validation/smsSegments';
import { evenedOut, sentBeforeParameters } from '../sentBefore';
import type { Effect, PreparedItem } from '../types';
import { validateInput } from '../validate';

const properties: INodeProperties[] = [
	{
		displayName: SMS_FIELDS.recipient.label,
		name: 'recipient',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +358401234567',
		description: "The debtor's mobile number. Finnish numbers such as 040 123 4567 are converted to +358401234567.",
	},
	{
		displayName: SMS_FIELDS.message.label,
		name: 'message',
		type: 'string',
		required: true,
		typeOptions: { rows: 4 },
		default: '',
		description: `Text of the SMS, at most ${SMS_MAX_SEGMENTS} segments: ${SMS_MAX_SEGMENTS * 153} characters, or ${SMS_MAX_SEGMENTS * 67} if it contains a character outside the GSM alphabet (e.g. an emoji). € [ ] { } count twice.`,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: SMS_FIELDS.reference.label,
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. CI-778812',
				description: 'Case ID or invoice number this message is about; it ties the SMS to the case in Cash-In',
			},
			{
				displayName: SMS_FIELDS.senderName.label,
				name: 'senderName',
				type: 'string',
				default: '',
				placeholder: 'e.g. Esimerkki',
				description: `Name shown as the sender: up to ${SMS_SENDER_MAX_LENGTH} letters and digits, no spaces`,
			},
		],
	},
	...sentBeforeParameters('Same Recipient, Message and Reference'),
	{
		displayName:
			'Each item sends one SMS, and never twice: every item is checked before the first is sent, a message Cash-In may have received without confirming it is reported rather than sent again, and with Skip Items Sent Before on (the default) running the workflow again or Retry in the executions list sends only what was not sent yet. Retry On Fail (in Settings) is safe too.',
		name: 'sendNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['sms'], operation: ['send'] } }, properties);

export const effect: Effect = 'create';

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const input = buildSmsBody({
		recipient: this.getNodeParameter('recipient', itemIndex, ''),
		message: this.getNodeParameter('message', itemIndex, ''),
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
	});
	const body = validateInput(this.getNode(), sendSmsBody, input, itemIndex);
	const { encoding, segments } = segmentSms(body.message);
	const checkWhere = body.reference ? `reference "${body.reference}"` : `the messages to ${body.recipient}`;
	return {
		label: body.reference ? `reference "${body.reference}"` : `the SMS to ${body.recipient}`,
		sameAs: {
			content: JSON.stringify(['sms', body.recipient, evenedOut(body.message), evenedOut(body.reference ?? '')]),
			shown: { recipient: body.recipient, ...(body.reference ? { reference: body.reference } : {}) },
		},
		async send(api) {
			const sent = await api.write({
				endpoint: ENDPOINTS.sendSms,
				body: body as unknown as IDataObject,
				itemIndex,
				subject: `the SMS to ${body.recipient}`,
				uncertainOutcome: `the SMS may or may not have been sent. Check ${checkWhere} in Cash-In before sending it again`,
				response: sendSmsResponseSchema,
				responseLabel: 'the sent message and its delivery report',
			});
			if (sent.warning === undefined) return { json: { ...sent.answer, segments: sent.answer.segments ?? segments, encoding } };
			// Sent, but the answer is not in the expected form: what it holds, and what the node knows itself.
			const answer = sent.answer;
			return {
				json: {
					messageId: null,
					deliveryReport: null,
					...answer,
					recipient: typeof answer.recipient === 'string' ? answer.recipient : body.recipient,
					segments: typeof answer.segments === 'number' ? answer.segments : segments,
					encoding,
				},
				warning: sent.warning,
			};
		},
	};
}
