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
				description: 'For each input creditor, the deliveries that failed or changed status since the last run: for watching many creditors from a Schedule Trigger',
				action: 'Get changed invoice deliveries',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the invoice deliveries of one creditor, one item each',
				action: 'Get many invoice deliveries',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...getChanges.description,
];
