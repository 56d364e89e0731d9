import { type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { creditorCredentialsSchema } from '../../contract/schemas';
import type { CashInClient } from '../../transport';
import { type CreditorKeyDisplay, creditorIdParameter, creditorKeyDisplayParameters, presentKey, requiredText } from '../common';

const properties: INodeProperties[] = [
	creditorIdParameter('The Cash-In ID of the creditor whose current API credentials to fetch'),
	...creditorKeyDisplayParameters,
];

export const description = updateDisplayOptions({ show: { resource: ['creditorCredential'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, api: CashInClient) {
	const creditorId = requiredText(this, 'creditorId', itemIndex, 'Creditor ID');
	const display = this.getNodeParameter('creditorKeyDisplay', itemIndex, 'masked') as CreditorKeyDisplay;
	const credentials = await api.call({
		endpoint: ENDPOINTS.getCreditorCredentials,
		pathParams: { creditorId },
		itemIndex,
		subject: `creditor ID "${creditorId}"`,
		response: creditorCredentialsSchema,
		responseLabel: "the creditor's credentials",
	});
	return presentKey(credentials, display);
}
