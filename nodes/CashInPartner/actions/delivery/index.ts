import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['delivery'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: "Get the invoice deliveries of one seller (creditor), one item each",
				action: 'Get many seller deliveries',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
