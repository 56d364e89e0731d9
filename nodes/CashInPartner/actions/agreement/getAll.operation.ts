import { type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { agreementsResponseSchema } from '../../contract/schemas';
import type { CashInClient } from '../../transport';
import { creditorIdParameter, limitParameter, requiredText, returnAllParameter } from '../common';

const properties: INodeProperties[] = [
	creditorIdParameter("The Cash-In ID of the creditor whose external agreement identifiers to fetch"),
	returnAllParameter,
	limitParameter,
];

export const description = updateDisplayOptions({ show: { resource: ['agreement'], operation: ['getAll'] } }, properties);

/** One item per agreement identifier, each carrying the creditor ID so items stay useful on their own. */
export async function execute(this: IExecuteFunctions, itemIndex: number, api: CashInClient) {
	const creditorId = requiredText(this, 'creditorId', itemIndex, 'Creditor ID');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.POSITIVE_INFINITY : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const response = await api.call({
		endpoint: ENDPOINTS.getCreditorAgreements,
		pathParams: { creditorId },
		itemIndex,
		subject: `creditor ID "${creditorId}"`,
		response: agreementsResponseSchema,
		responseLabel: 'a list of agreements',
	});
	return response.agreements.slice(0, limit).map((agreement) => ({ creditorId: response.creditorId, ...agreement }));
}
