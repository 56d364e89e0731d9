/** Parameters and helpers several operations share. */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, NodeOperationError } from 'n8n-workflow';

export const creditorIdParameter = (description: string): INodeProperties => ({
	displayName: 'Creditor ID',
	name: 'creditorId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. c_8f2k1',
	description,
});

export type CreditorKeyDisplay = 'masked' | 'full' | 'omit';

export const creditorKeyDisplayParameters: INodeProperties[] = [
	{
		displayName: 'Creditor Key in Output',
		name: 'creditorKeyDisplay',
		type: 'options',
		options: [
			{ name: 'Full Key', value: 'full', description: 'Show the whole key, e.g. to pass it to the next node' },
			{ name: 'Leave Out', value: 'omit', description: 'Remove the key from the output' },
			{ name: 'Masked', value: 'masked', description: 'Show only the last 4 characters' },
		],
		default: 'masked',
		description: "How the creditor's API key appears in this node's output",
	},
	{
		displayName:
			"n8n stores each execution's data in its history, so a full key shown here is kept there too. Choose Full Key only when a later node needs it.",
		name: 'creditorKeyNotice',
		type: 'notice',
		default: '',
	},
];

/** Applies the user's choice to the `apiKey` of a credentials object; never changes the input. */
export function presentKey(credentials: { apiKey: string }, display: CreditorKeyDisplay): IDataObject {
	const { apiKey, ...rest } = credentials as IDataObject & { apiKey: string };
	if (display === 'full') return { ...rest, apiKey };
	if (display === 'omit') return rest;
	return { ...rest, apiKey: `••••${apiKey.slice(-4)}` };
}

/** A required text parameter, trimmed; an empty one stops the item before any request. */
export function requiredText(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty [item ${itemIndex}]`, {
			itemIndex,
			description: `Enter the ${label}, or map it from an earlier node with an expression.`,
		});
	}
	return value;
}

export const returnAllParameter: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitParameter: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};
