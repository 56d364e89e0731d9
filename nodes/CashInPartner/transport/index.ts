/**
 * The only place that makes HTTP calls. Every call goes through n8n's `httpRequestWithAuthentication`
 * (so users get n8n's proxy, timeout and SSRF settings and the credential sets the key), passes the
 * execution's request gate, is retried by the one retry policy, and fails with an error from `errors.ts`.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type IN8nHttpFullResponse,
	type IPollFunctions,
	NodeOperationError,
	sleep,
} from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { type Endpoint, pathOf, RETRY_AFTER_HEADER } from '../contract/endpoints';
import {
	type CallContext,
	confirmedWithDifference,
	confirmedWithoutAnswer,
	contractMismatchError,
	firstDifference,
	httpStatusError,
	type NetworkFailure,
	networkError,
	unreadableResponseError,
} from './errors';
import { RequestGate } from './gate';
import { DEFAULT_RETRY_POLICY, decideRetry, freshRetryState, type Outcome, parseRetryAfter, recordRetry, type RetryPolicy, serverMayHaveActed } from './retry';
import { type ApiSettings, apiSettingsOf, CREDENTIAL_TYPE } from './settings';

export { CREDENTIAL_TYPE } from './settings';
export { RequestGate } from './gate';
export { isRunWide, isUncertainOutcome, itemSuffixed } from './errors';

export type RequestContext = IExecuteFunctions | IPollFunctions;

export interface CallSpec<T> {
	endpoint: Endpoint;
	pathParams?: Record<string, string>;
	query?: IDataObject;
	body?: IDataObject;
	/** The input item the call is for; absent for a trigger's poll, which has no items. */
	itemIndex?: number;
	/** What the call is about, in the user's words, for error messages (e.g. `creditor ID "c_1"`). */
	subject?: string;
	/** For a call that must not be repeated: what to check when its outcome is unknown. */
	uncertainOutcome?: string;
	/** Which step of a longer job this call is, e.g. `reading page 3 of the deliveries`. */
	step?: string;
	response: ZodType<T, ZodTypeDef, unknown>;
	/** What a good response is, in words, for the error or warning when it is not one. */
	responseLabel: string;
}

/**
 * What a write (POST, PUT) got back. Any 2xx means Cash-In carried it out, so an answer in another form
 * than the contract's is still a success: `answer` holds what could be read, `warning` says what differed.
 */
export type Confirmed<T> = { answer: T; warning?: undefined } | { answer: IDataObject; warning: string };

export interface CashInClient {
	/** Reads the credential once; a credential that cannot be used (no sandbox URL, say) fails here, for the whole run. */
	ready(): Promise<void>;
	/** A GET: retried when safe, and an answer the node cannot use is an error. */
	read<T>(spec: CallSpec<T>): Promise<T>;
	/** A POST or PUT: never repeated once Cash-In may have acted, and any 2xx answer counts as done. */
	write<T>(spec: CallSpec<T>): Promise<Confirmed<T>>;
}

export interface ClientOptions {
	timeoutMs?: number;
	retry?: RetryPolicy;
	gate?: RequestGate;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

type Attempt = { ok: true; body: unknown } | { ok: false; outcome: Outcome; status?: number; body?: unknown; failure?: NetworkFailure };

const codesOf = (error: unknown): string[] => {
	const codes: string[] = [];
	for (let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
		if (typeof e.code === 'string') codes.push(e.code);
		if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) codes.push('ECONNRESET');
		if (typeof e.message === 'string' && /timeout/i.test(e.message)) codes.push('ETIMEDOUT');
	}
	return codes;
};

/** Which network failure, and whether the request may have reached the server before it happened. */
export function classifyNetworkError(error: unknown): { failure: NetworkFailure; serverMayHaveActed: boolean } {
	const codes = codesOf(error);
	const has = (...names: string[]) => names.some((name) => codes.includes(name));
	if (has('ECONNREFUSED')) return { failure: 'refused', serverMayHaveActed: false };
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN')) return { failure: 'unreachable', serverMayHaveActed: false };
	if (has('ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT')) {
		return { failure: 'timeout', serverMayHaveActed: true };
	}
	if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET')) return { failure: 'reset', serverMayHaveActed: true };
	return { failure: 'unknown', serverMayHaveActed: true };
}

function parseJsonBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body !== 'string') return { ok: true, value: body };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false };
	}
}

export function createClient(ctx: RequestContext, options: ClientOptions = {}): CashInClient {
	const gate = options.gate ?? new RequestGate({ maxInFlight: 1 });
	const policy = options.retry ?? DEFAULT_RETRY_POLICY;
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	let settings: Promise<ApiSettings> | undefined;
	const loadSettings = () =>
		(settings ??= ctx.getCredentials(CREDENTIAL_TYPE).then((credentials) => apiSettingsOf(ctx.getNode(), credentials)));

	async function attempt(spec: CallSpec<unknown>, url: string, api: ApiSettings): Promise<Attempt> {
		const ticket = await gate.acquire();
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				{
					method: spec.endpoint.method,
					url,
					qs: spec.query,
					body: spec.body,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: timeoutMs,
				},
				// n8n still authenticates each request from the credential definition; handing it the credential
				// read once per execution spares a credential lookup and decryption per item.
				{ credentialsDecrypted: api.credential },
			)) as IN8nHttpFullResponse;
		} catch (error) {
			gate.release(ticket, 'other');
			// Not a network failure (e.g. the credential is missing): n8n's own error, passed on as it is.
			if (error instanceof NodeOperationError) throw new NodeOperationError(ctx.getNode(), error);
			const { failure, serverMayHaveActed } = classifyNetworkError(error);
			return { ok: false, outcome: { kind: 'network', serverMayHaveActed }, failure };
		}
		const status = response.statusCode;
		if (status === 429) {
			const retryAfterMs = parseRetryAfter(response.headers[RETRY_AFTER_HEADER]);
			gate.release(ticket, 'rate-limited', retryAfterMs);
			return { ok: false, outcome: { kind: 'status', status, retryAfterMs }, status, body: response.body };
		}
		if (status < 200 || status >= 300) {
			gate.release(ticket, 'other');
			return { ok: false, outcome: { kind: 'status', status }, status, body: response.body };
		}
		gate.release(ticket, 'success');
		const parsed = parseJsonBody(response.body);
		return parsed.ok ? { ok: true, body: parsed.value } : { ok: false, outcome: { kind: 'unreadable' }, status };
	}

	/**
	 * Sends the call until it succeeds or the retry policy gives up. `onAnswer` turns a 2xx answer into the
	 * result (reads check it against the schema and throw; writes accept it).
	 */
	async function send<T, R>(spec: CallSpec<T>, onAnswer: (answer: { ok: true; body: unknown } | { ok: false; status?: number }, context: CallContext) => R): Promise<R> {
		const api = await loadSettings();
		const url = api.baseUrl + pathOf(spec.endpoint, spec.pathParams);
		const context: CallContext = { ...api, itemIndex: spec.itemIndex, subject: spec.subject, uncertainOutcome: spec.uncertainOutcome, step: spec.step };
		let history = freshRetryState();
		for (let attemptNumber = 1; ; attemptNumber++) {
			const result = await attempt(spec as CallSpec<unknown>, url, api);
			if (result.ok) return onAnswer(result, context);
			// A 2xx whose body is not JSON: for a write, Cash-In did act; for a read, retried like any fault.
			if (result.outcome.kind === 'unreadable' && spec.endpoint.method !== 'GET') return onAnswer({ ok: false, status: result.status }, context);
			const decision = decideRetry(policy, spec.endpoint.method, result.outcome, history);
			if (decision.retry) {
				ctx.logger.debug('Cash-In Partner: retrying a request', {
					method: spec.endpoint.method,
					endpoint: spec.endpoint.template,
					attempt: attemptNumber,
					delayMs: decision.delayMs,
					status: result.status,
					failure: result.failure,
				});
				history = recordRetry(history, result.outcome, decision.delayMs);
				await sleep(decision.delayMs);
				continue;
			}
			const mayHaveActed = serverMayHaveActed(result.outcome);
			const node = ctx.getNode();
			if (result.outcome.kind === 'network') throw networkError(node, result.failure ?? 'unknown', timeoutMs, context, mayHaveActed);
			if (result.outcome.kind === 'unreadable') return onAnswer({ ok: false, status: result.status }, context);
			throw httpStatusError(node, result.outcome.status, result.body, context, mayHaveActed);
		}
	}

	const request = (spec: CallSpec<unknown>) => `${spec.endpoint.method} ${spec.endpoint.template}`;

	async function read<T>(spec: CallSpec<T>): Promise<T> {
		return await send(spec, (answer, context) => {
			if (!answer.ok) throw unreadableResponseError(ctx.getNode(), spec.responseLabel, context);
			const checked = spec.response.safeParse(answer.body);
			if (checked.success) return checked.data;
			throw contractMismatchError(ctx.getNode(), request(spec as CallSpec<unknown>), spec.responseLabel, firstDifference(checked.error.issues), context);
		});
	}

	async function write<T>(spec: CallSpec<T>): Promise<Confirmed<T>> {
		return await send(spec, (answer): Confirmed<T> => {
			if (!answer.ok) return { answer: {}, warning: confirmedWithoutAnswer(spec.responseLabel, answer.status) };
			const checked = spec.response.safeParse(answer.body);
			if (checked.success) return { answer: checked.data };
			const readable = answer.body !== null && typeof answer.body === 'object' && !Array.isArray(answer.body) ? (answer.body as IDataObject) : {};
			return { answer: readable, warning: confirmedWithDifference(spec.responseLabel, firstDifference(checked.error.issues)) };
		});
	}

	return { ready: async () => void (await loadSettings()), read, write };
}
