import { type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { agreementsResponseSchema } from '../../contract/schemas';
import { creditorIdParameters, limitParameter, readId, returnAllParameter } from '../common';
import type { Effect, PreparedItem } from '../types';

const properties: INodeProperties[] = [
	...creditorIdParameters("The Cash-In ID of the creditor whose external agreement identifiers to fetch"),
	returnAllParameter,
	limitParameter,
];

export const description = updateDisplayOptions({ show: { resource: ['agreement'], operation: ['getAll'] } }, properties);

export const effect: Effect = 'read';

/** One item per agreement identifier, each carrying the creditor ID so items stay useful on their own. */
export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const creditorId = readId(this, 'creditorId', itemIndex, 'Creditor ID');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.POSITIVE_INFINITY : (this.getNodeParameter('limit', itemIndex, 50) as number);
	return {
		async send(api) {
			const response = await api.read({
				endpoint: ENDPOINTS.getCreditorAgreements,
				pathParams: { creditorId },
				itemIndex,
				subject: `creditor ID "${creditorId}"`,
				response: agreementsResponseSchema,
				responseLabel: 'a list of agreements',
			});
			return { json: response.agreements.slice(0, limit).map((agreement) => ({ creditorId: response.creditorId, ...agreement })) };
		},
	};
}
