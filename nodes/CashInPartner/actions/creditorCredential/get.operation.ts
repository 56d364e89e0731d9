import { type IDataObject, type IExecuteFunctions, type INodeProperties, updateDisplayOptions } from 'n8n-workflow';

import { ENDPOINTS } from '../../contract/endpoints';
import { creditorCredentialsSchema } from '../../contract/schemas';
import { type CreditorKeyDisplay, creditorIdParameters, creditorKeyDisplayParameters, presentKeysIn, readId } from '../common';
import type { Effect, PreparedItem } from '../types';

const properties: INodeProperties[] = [
	...creditorIdParameters('The Cash-In ID of the creditor whose current API credentials to fetch'),
	...creditorKeyDisplayParameters,
];

export const description = updateDisplayOptions({ show: { resource: ['creditorCredential'], operation: ['get'] } }, properties);

export const effect: Effect = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const creditorId = readId(this, 'creditorId', itemIndex, 'Creditor ID');
	const display = this.getNodeParameter('creditorKeyDisplay', itemIndex, 'masked') as CreditorKeyDisplay;
	return {
		async send(api) {
			const credentials = await api.read({
				endpoint: ENDPOINTS.getCreditorCredentials,
				pathParams: { creditorId },
				itemIndex,
				subject: `creditor ID "${creditorId}"`,
				response: creditorCredentialsSchema,
				responseLabel: "the creditor's credentials",
			});
			return { json: presentKeysIn(credentials as IDataObject, display) };
		},
	};
}
