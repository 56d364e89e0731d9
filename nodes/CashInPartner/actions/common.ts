/** Parameters and helpers several operations share. */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, NodeOperationError } from 'n8n-workflow';

import { normaliseId } from '../validation/identifier';

/** Where a creditor ID comes from, shown under every field that takes one. */
export const CREDITOR_ID_HINT = 'The creditorId that Creditor → Create returned, e.g. mapped from your sheet';

/** In the editor: an ID as normaliseId accepts it (no spaces, /, \\, ?, #; not "." or ".."). */
const ID_PATTERN = '^(?!\\.{1,2}$)[^\\s/\\\\?#]{1,100}$';

/**
 * A creditor ID parameter (`name` stays as saved workflows have it). Node version 1 keeps the text field;
 * from version 2 it is n8n's resource locator with an ID mode that checks the ID as it is typed (a list
 * mode can join it once Cash-In offers a list of creditors).
 */
export const creditorIdParameters = (description: string, name = 'creditorId'): INodeProperties[] => [
	{
		displayName: 'Creditor ID',
		name,
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. c_8f2k1',
		hint: CREDITOR_ID_HINT,
		description,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Creditor',
		name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'id', value: '' },
		hint: CREDITOR_ID_HINT,
		description,
		modes: [
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. c_8f2k1',
				validation: [{ type: 'regex', properties: { regex: ID_PATTERN, errorMessage: 'Not a Cash-In creditor ID: one word without spaces, e.g. c_8f2k1' } }],
			},
		],
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
	},
];

export type CreditorKeyDisplay = 'masked' | 'full' | 'omit';

export const creditorKeyDisplayParameters: INodeProperties[] = [
	{
		displayName: 'Creditor Key in Output',
		name: 'creditorKeyDisplay',
		type: 'options',
		options: [
			{ name: 'Full Key', value: 'full', description: 'Show the whole key, e.g. to pass it to the next node' },
			{ name: 'Leave Out', value: 'omit', description: 'Remove the key from the output' },
			{ name: 'Masked', value: 'masked', description: 'Show only the last 4 characters' },
		],
		default: 'masked',
		description: "How the creditor's API key appears in this node's output",
	},
	{
		displayName:
			"n8n keeps each execution's data in its history, so a full key in this node's output is kept there too (n8n 2.41 does not yet hide the fields this node marks as sensitive). Choose Full Key only when a later node needs the key.",
		name: 'creditorKeyNotice',
		type: 'notice',
		default: '',
	},
];

/** The last 4 characters of a long secret; nothing of a short one. */
const maskKey = (key: string) => (key.length > 8 ? `••••${key.slice(-4)}` : '••••');

/** Field names that may hold a secret: the creditor's key and anything Cash-In adds beside it. */
const SECRET_NAME = /key|token|secret|password|credential/i;
/** Fields that describe a secret rather than hold one, kept readable inside a secret-named object. */
const DESCRIBES_SECRET = /^(environment|type|kind|validUntil|expiresAt|createdAt|creditorId|customerCode)$/;

/**
 * The user's choice (Creditor Key in Output) applied to every field whose name looks like a secret, at any
 * depth: the creditor's `apiKey`, and an `apiSecret`, a `token`, a list of keys or a `credentials` value
 * Cash-In may add. Inside an object or list under such a name every value is taken for a secret, except
 * the fields that only describe it (so `credentials.environment` stays readable). Never changes the input.
 */
export function presentKeysIn(value: IDataObject, display: CreditorKeyDisplay): IDataObject {
	if (display === 'full') return value;
	const OMIT = Symbol('omit');
	const hide = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(hide).filter((inner) => inner !== OMIT);
		if (node !== null && typeof node === 'object') return walk(node as IDataObject, true);
		if (typeof node === 'string' || typeof node === 'number') return display === 'masked' ? maskKey(String(node)) : OMIT;
		return node;
	};
	const walk = (node: IDataObject, withinSecret: boolean): IDataObject => {
		const out: IDataObject = {};
		for (const [name, inner] of Object.entries(node)) {
			const secret = (withinSecret && !DESCRIBES_SECRET.test(name)) || SECRET_NAME.test(name);
			const shown = secret ? hide(inner) : Array.isArray(inner) ? inner.map((one) => (one !== null && typeof one === 'object' ? walk(one as IDataObject, false) : one)) : inner !== null && typeof inner === 'object' ? walk(inner as IDataObject, false) : inner;
			if (shown !== OMIT) out[name] = shown as IDataObject[string];
		}
		return out;
	};
	return walk(value, false);
}

/**
 * An ID parameter that goes into the request path, trimmed and checked (see `normaliseId`): an empty or
 * unusable one stops the item before any request, naming the field.
 */
export function readId(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	// extractValue: the value of a resource locator (version 2), or the text itself (version 1).
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const text = raw === undefined || raw === null ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
	const checked = normaliseId(text);
	if (checked.ok) return checked.value;
	// JSON-quoted, so a line break or tab in the value shows as \n or \t rather than breaking the message.
	const shown = ` ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
	throw new NodeOperationError(
		ctx.getNode(),
		text.trim() === '' ? `${label} is empty [item ${itemIndex}]` : `Invalid ${label}${shown}: expected ${checked.expected} [item ${itemIndex}]`,
		{
			itemIndex,
			description: `Enter the ${label}, or map it from an earlier node with an expression. Nothing was sent to Cash-In for this item.`,
		},
	);
}

export const returnAllParameter: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitParameter: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};
