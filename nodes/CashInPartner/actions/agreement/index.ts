import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agreement'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: "Get a creditor's external agreement identifiers, one item each",
				action: 'Get many agreement identifiers',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
