import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as update from './update.operation';

export { create, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['creditor'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Register a new creditor; its API credentials come back in the output',
				action: 'Create a creditor',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change a creditor's details; only the fields you set are sent",
				action: 'Update a creditor',
			},
		],
		default: 'create',
	},
	...create.description,
	...update.description,
];
