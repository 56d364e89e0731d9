/**
 * Turns what Cash-In (or the network) answered into an error a person can act on: the message says what
 * happened, the description how to fix it. Error bodies are read defensively — JSON with field errors,
 * empty, plain text or a proxy's HTML page — and the partner key is scrubbed from every text.
 */
import { type INode, type JsonObject, NodeApiError } from 'n8n-workflow';
import type { ZodIssue } from 'zod';

import { labelOfPath } from '../contract/fields';
import { type ErrorBody, errorBodySchema } from '../contract/schemas';

export interface CallContext {
	/** The input item, named at the end of every message as n8n does ("[item 2]"); absent for a poll. */
	itemIndex?: number;
	/** What the call is about, in the user's words, e.g. `creditor ID "c_123"`. */
	subject?: string;
	/** For calls that must not be repeated: what the user should check when the outcome is unknown. */
	uncertainOutcome?: string;
	/** Which step of a longer job failed, e.g. `reading page 3 of the deliveries`. */
	step?: string;
	environmentLabel: string;
	baseUrl: string;
	secret: string;
}

const MAX_SHOWN_TEXT = 300;

/**
 * Replaces the secret wherever it appears (an echoing proxy or API could put it in a body): as stored, as
 * a server reads it from the header (without the spaces a paste may have left around it), and as it reads
 * inside JSON (a `"` or `\` escaped).
 */
export function scrub(text: string, secret: string): string {
	const forms = new Set([secret, secret.trim(), JSON.stringify(secret).slice(1, -1), JSON.stringify(secret.trim()).slice(1, -1)]);
	let scrubbed = text;
	for (const form of [...forms].sort((a, b) => b.length - a.length)) if (form.length >= 4) scrubbed = scrubbed.split(form).join('••••');
	return scrubbed;
}

/**
 * The API's error body as far as it can be read; text and HTML are reduced to a short plain sentence. The
 * secret is scrubbed before anything is cut, so a key at the cut never shows its first characters.
 */
export function readErrorBody(body: unknown, secret = ''): ErrorBody & { rawText?: string } {
	if (body === undefined || body === null || body === '') return {};
	let value = typeof body === 'string' ? scrub(body, secret) : body;
	if (typeof value === 'string') {
		const text = value;
		try {
			value = JSON.parse(text);
		} catch {
			const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
			const plain = (title ?? text.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
			return { rawText: plain.slice(0, MAX_SHOWN_TEXT) };
		}
	}
	const parsed = errorBodySchema.safeParse(value);
	return parsed.success ? parsed.data : { rawText: scrub(JSON.stringify(value), secret).slice(0, MAX_SHOWN_TEXT) };
}

function fieldErrorLines(body: ErrorBody): string[] {
	return (body.errors ?? []).map(({ field, message }) => `${labelOfPath(field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)))}: ${message}`);
}

const withDetail = (summary: string, detail?: string) => (detail ? `${summary}: ${detail}` : summary);

/** Message and description for an HTTP status. */
function explainStatus(status: number, body: ReturnType<typeof readErrorBody>, call: CallContext) {
	const apiMessage = body.message ?? body.rawText;
	const fieldLines = fieldErrorLines(body);
	const subject = call.subject ?? 'the request';
	switch (status) {
		case 400:
			return {
				message: withDetail('Cash-In refused the request as invalid', fieldLines[0] ?? apiMessage),
				description: [
					...(fieldLines.length ? ['Fields Cash-In refused:', ...fieldLines.map((l) => `• ${l}`)] : []),
					apiMessage && fieldLines.length ? `Cash-In said: ${apiMessage}` : '',
					'Cash-In did not carry out this item: correct its values and run it again.',
				]
					.filter(Boolean)
					.join('\n'),
			};
		case 401:
			return {
				message: `The Cash-In partner API key was not accepted (${call.environmentLabel} environment)`,
				description:
					`Check the API key in the Cash-In Partner credential. Sandbox and production keys are separate: a key ` +
					`works only in the environment where Cash-In issued it. The credential is set to ${call.environmentLabel} ` +
					`(${call.baseUrl}).`,
			};
		case 402:
			return {
				message: withDetail('Cash-In declined this request', apiMessage),
				description:
					'A business rule of Cash-In prevents it (for example, a creditor with this business ID is already ' +
					'registered). Cash-In did not carry out this item, and running it again as it is will be declined again.',
			};
		case 403:
			return {
				message: 'This API key may not use Cash-In partner services',
				description:
					'Partner operations need the partner-level key Cash-In gives Confirma Software partners; a creditor\'s ' +
					'own key does not work here. Production calls must also come from an IP address registered with ' +
					'Cash-In IT: register this n8n\'s outgoing address, or send its traffic through a proxy whose address is ' +
					'registered (set HTTPS_PROXY on the n8n server; NO_PROXY lists hosts that go direct). To request ' +
					'access, contact deployment@cash-in.fi.',
			};
		case 404:
			return {
				message: `Cash-In has nothing for ${subject}`,
				description: `Check ${subject}: it is not known in the ${call.environmentLabel} environment.${apiMessage ? ` Cash-In said: ${apiMessage}` : ''}`,
			};
		case 429:
			return {
				message: 'Cash-In kept rate limiting the requests',
				description:
					'The node kept waiting as Cash-In asked (up to 5 minutes and 100 tries), but Cash-In still asked it to slow down. Cash-In ' +
					'limits all requests of your partner key together, so other workflows or executions using the same ' +
					'key count too: run fewer at once, or run this one later. Nothing was sent for this item.',
			};
		case 503:
			return {
				message: 'Cash-In is temporarily unavailable (maintenance or an outage)',
				description: 'Try again in a few minutes.' + (apiMessage ? ` Cash-In said: ${apiMessage}` : ''),
			};
		default:
			return {
				message: status >= 500 ? `Cash-In had an internal error (HTTP ${status})` : `Cash-In answered with HTTP ${status}`,
				description: withDetail(status >= 500 ? 'Try again later' : 'Unexpected answer', apiMessage),
			};
	}
}

function finish(
	node: INode,
	parts: { message: string; description: string },
	call: CallContext,
	httpCode: string | undefined,
	mayHaveActed: boolean,
	detail: JsonObject,
): NodeApiError {
	const uncertain = mayHaveActed && call.uncertainOutcome;
	const withStep = call.step ? `${parts.message} (while ${call.step})` : parts.message;
	const message = scrub(itemSuffixed(uncertain ? `${withStep} — ${call.uncertainOutcome}` : withStep, call.itemIndex), call.secret);
	const description = scrub(
		uncertain
			? `${parts.description}\nThe node did not send it again, so it cannot be duplicated.`
			: parts.description,
		call.secret,
	);
	const errorResponse: JsonObject = JSON.parse(scrub(JSON.stringify({ ...detail, message, httpCode: httpCode ?? null }), call.secret));
	const error = new NodeApiError(node, errorResponse, { message, description, httpCode, itemIndex: call.itemIndex });
	if (uncertain) error.context[UNCERTAIN] = true;
	return error;
}

/** Marks errors after which Cash-In may have carried the call out: such an item must never be sent again. */
const UNCERTAIN = 'cashInMayHaveActed';

/** Marks errors that no item can get past (the key refused, Cash-In out of reach), as opposed to an item's own. */
const RUN_WIDE = 'cashInRunWide';

export const isRunWide = (error: unknown): boolean => error instanceof NodeApiError && error.context[RUN_WIDE] === true;

export const isUncertainOutcome = (error: unknown): boolean => error instanceof NodeApiError && error.context[UNCERTAIN] === true;

/** n8n's convention for errors about one input item: the message ends with "[item N]". */
export const itemSuffixed = (message: string, itemIndex: number | undefined) =>
	itemIndex === undefined || /\[item \d+\]$/.test(message) ? message : `${message} [item ${itemIndex}]`;

export function httpStatusError(
	node: INode,
	status: number,
	rawBody: unknown,
	call: CallContext,
	mayHaveActed: boolean,
): NodeApiError {
	const body = readErrorBody(rawBody, call.secret);
	const parts = explainStatus(status, body, call);
	const error = finish(node, parts, call, String(status), mayHaveActed, {
		apiMessage: body.message ?? body.rawText ?? null,
		fieldErrors: (body.errors ?? []) as unknown as JsonObject[],
	} as JsonObject);
	if (status === 401 || status === 403) error.context[RUN_WIDE] = true;
	return error;
}

export type NetworkFailure = 'timeout' | 'refused' | 'reset' | 'unreachable' | 'unknown';

export function networkError(node: INode, failure: NetworkFailure, timeoutMs: number, call: CallContext, mayHaveActed: boolean): NodeApiError {
	const parts = {
		timeout: {
			message: `Cash-In did not answer within ${Math.round(timeoutMs / 1000)} seconds`,
			description: 'Cash-In may be slow or unreachable. Try again later, or raise "Timeout" in the node options.',
		},
		refused: {
			message: `Could not connect to Cash-In at ${call.baseUrl}`,
			description: 'Check the base URL in the Cash-In Partner credential and that this n8n can reach it.',
		},
		reset: {
			message: 'The connection to Cash-In was cut before an answer arrived',
			description: 'A network problem or a proxy ended the connection. Try again later.',
		},
		unreachable: {
			message: `Cash-In at ${call.baseUrl} cannot be reached from this n8n`,
			description: 'Check the base URL in the credential, the network and any proxy settings of this n8n.',
		},
		unknown: {
			message: 'The request to Cash-In failed before an answer arrived',
			description: 'A network problem stopped the request. Try again later.',
		},
	}[failure];
	const error = finish(node, parts, call, undefined, mayHaveActed, { failure });
	error.context[RUN_WIDE] = true;
	return error;
}

/** Where users report an API that no longer matches this package. */
export const REPORT_URL = 'https://github.com/n8n-nodes-cash-in-partner/n8n-nodes-cash-in-partner/issues';

/** The first way a response differs from the contract, in words: which field, and what is wrong with it. */
export interface ContractDifference {
	field: string;
	code: string;
	received?: string;
	expected?: string;
	message: string;
}

export function firstDifference(issues: ZodIssue[]): ContractDifference {
	const issue = issues[0];
	return {
		field: issue.path.join('.'),
		code: issue.code,
		received: 'received' in issue ? String(issue.received) : undefined,
		expected: 'expected' in issue ? String(issue.expected) : undefined,
		message: issue.message,
	};
}

const withArticle = (noun?: string) => (noun ? `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}` : 'another kind of value');

function describeDifference(difference: ContractDifference): string {
	const field = difference.field ? `the field "${difference.field}"` : 'the answer';
	if (difference.code === 'invalid_type' && difference.received === 'undefined') return `${field} is missing`;
	if (difference.code === 'invalid_type') return `${field} is ${difference.received === 'null' ? 'empty (null)' : withArticle(difference.received)} where the node expects ${withArticle(difference.expected)}`;
	if (difference.code === 'invalid_enum_value' || difference.code === 'invalid_union') return `${field} has a value the node does not know`;
	return `${field}: ${difference.message}`;
}

const REPORT_HINT = `The Cash-In API may have changed: please report it at ${REPORT_URL} with this message (it holds field names only, no key or personal data).`;

/**
 * A read answered with success, but not in the form the contract describes: most likely the API changed.
 * Says so in plain words, names the field, and tells the user what to report. (Reads only: a write that
 * Cash-In confirmed is a success, see `confirmedWithDifference`.)
 */
export function contractMismatchError(node: INode, request: string, what: string, difference: ContractDifference, call: CallContext): NodeApiError {
	const problem = describeDifference(difference);
	return finish(
		node,
		{
			message: `Cash-In's answer is not in the form this node expects: ${problem}`,
			description: `Cash-In answered the request (${request}), but its answer is not ${what}: ${problem}. Nothing was changed in Cash-In. ${REPORT_HINT}`,
		},
		call,
		undefined,
		false,
		{},
	);
}

export function unreadableResponseError(node: INode, what: string, call: CallContext): NodeApiError {
	return finish(
		node,
		{
			message: 'Cash-In answered, but the answer could not be read',
			description:
				`Expected ${what}. The API may have changed, or a proxy answered instead of Cash-In. Nothing was changed in Cash-In. ` +
				`If this persists, report it at ${REPORT_URL} with the HTTP details from the execution log.`,
		},
		call,
		undefined,
		false,
		{},
	);
}

/** The warning on a write Cash-In confirmed whose answer differs from the contract: done, not failed. */
export function confirmedWithDifference(what: string, difference: ContractDifference): string {
	return `Cash-In confirmed this, but its answer is not ${what} as this node expects: ${describeDifference(difference)}. It counts as done: do not run this item again. ${REPORT_HINT}`;
}

/** The warning on a write Cash-In confirmed (2xx) with an answer that is not JSON. */
export function confirmedWithoutAnswer(what: string, status?: number): string {
	return `Cash-In confirmed this${status ? ` (HTTP ${status})` : ''}, but its answer could not be read (expected ${what}). It counts as done: do not run this item again. ${REPORT_HINT}`;
}
