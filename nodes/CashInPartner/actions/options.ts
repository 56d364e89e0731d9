/** The node-wide "Options": how requests are sent. Read once per execution by the router. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * 32, from measurements in a real n8n 2.41.1 (npm run bench:n8n, 1,000 SMS, 50 ms latency): n8n's own work
 * per request is the limit, not the API's latency — 8 in parallel gave 88 SMS/s, 16 gave 131/s, 32 gave
 * 161/s (the HTTP Request node: 92/s), at the same ~5.6 ms of n8n CPU per item. Only 32 gives a user who
 * never opens Options the 1.5× over the HTTP Request node we aim for in every run. It costs nothing in
 * safety: a 429 pauses every request of the execution for Retry-After and the bound drops to what the API
 * accepted, and nothing that may have been created is ever sent twice.
 */
export const DEFAULT_PARALLEL_REQUESTS = 32;
export const MAX_PARALLEL_REQUESTS = 32;
const DEFAULT_TIMEOUT_SECONDS = 30;

export const requestOptionsParameter: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Requests in Parallel',
			name: 'parallelRequests',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_REQUESTS },
			default: DEFAULT_PARALLEL_REQUESTS,
			description: `How many items are sent to Cash-In at once (at most ${MAX_PARALLEL_REQUESTS}). When Cash-In asks the node to slow down, it pauses and sends fewer at once; lower this only if Cash-In asks you to. Output order always follows the input.`,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 300 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description: 'How long to wait for Cash-In to answer one request',
		},
	],
};

export interface RequestOptions {
	parallelRequests: number;
	timeoutMs: number;
}

export function readRequestOptions(ctx: IExecuteFunctions): RequestOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as { parallelRequests?: number; timeoutSeconds?: number };
	const parallel = Math.floor(options.parallelRequests ?? DEFAULT_PARALLEL_REQUESTS);
	return {
		parallelRequests: Math.min(MAX_PARALLEL_REQUESTS, Math.max(1, Number.isFinite(parallel) ? parallel : DEFAULT_PARALLEL_REQUESTS)),
		timeoutMs: Math.max(1, options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
	};
}
