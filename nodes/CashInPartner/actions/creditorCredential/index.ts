import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['creditorCredential'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get a creditor's current API credentials",
				action: 'Get creditor credentials',
			},
		],
		default: 'get',
	},
	...get.description,
];
