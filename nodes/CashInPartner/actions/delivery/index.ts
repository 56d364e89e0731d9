import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as getChanges from './getChanges.operation';

export { getAll, getChanges };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['delivery'] } },
		options: [
			{
				name: 'Get Changes',
				value: 'getChanges',
				description: 'For each input seller, the deliveries that failed or changed status since the last run: monitoring many sellers from a Schedule Trigger',
				action: 'Get changed seller deliveries',
			},
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
	...getChanges.description,
];
