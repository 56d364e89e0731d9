/** Where to send requests and how to describe the environment, read from the user's credential. */
import { type ICredentialDataDecryptedObject, type ICredentialsDecrypted, type INode, NodeOperationError } from 'n8n-workflow';

import { PRODUCTION_BASE_URL } from '../contract/endpoints';

export const CREDENTIAL_TYPE = 'cashInPartnerApi';

export interface ApiSettings {
	/** The credential as n8n decrypted it once for this execution, handed back to n8n with each request. */
	credential: ICredentialsDecrypted;
	baseUrl: string;
	environmentLabel: 'Production' | 'Sandbox';
	/** Kept only so it can be scrubbed from any text the node shows; never sent by this code. */
	secret: string;
}

export function apiSettingsOf(node: INode, credentials: ICredentialDataDecryptedObject): ApiSettings {
	const sandbox = credentials.environment === 'sandbox';
	const raw = String((sandbox ? credentials.sandboxBaseUrl : credentials.baseUrl) ?? (sandbox ? '' : PRODUCTION_BASE_URL)).trim();
	if (!/^https?:\/\/\S+$/i.test(raw)) {
		throw new NodeOperationError(
			node,
			sandbox ? 'The Cash-In Partner credential has no Sandbox Base URL' : 'The Base URL in the Cash-In Partner credential is not a web address',
			{
				description: sandbox
					? 'Enter the sandbox URL that Cash-In sent together with your sandbox key.'
					: `Use ${PRODUCTION_BASE_URL} unless Cash-In told you otherwise.`,
			},
		);
	}
	const reference = node.credentials?.[CREDENTIAL_TYPE];
	return {
		credential: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data: credentials },
		baseUrl: raw.replace(/\/+$/, ''),
		environmentLabel: sandbox ? 'Sandbox' : 'Production',
		secret: typeof credentials.apiKey === 'string' ? credentials.apiKey : '',
	};
}
