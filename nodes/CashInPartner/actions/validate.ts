/**
 * Runs a contract schema over what the user entered and, when it fails, stops the item with an error
 * that names the field as the user sees it, the value, what is expected, and the item — before any request.
 */
import { type INode, NodeOperationError } from 'n8n-workflow';
import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';

import { labelOfPath } from '../contract/fields';

const MAX_SHOWN_VALUE = 40;

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
	return path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), input);
}

/** The offending value, quoted and shortened; lists and objects are not repeated back. */
function shown(value: unknown): string {
	if (value === undefined || value === null || typeof value === 'object') return '';
	const text = String(value);
	return text.length > MAX_SHOWN_VALUE ? `"${text.slice(0, MAX_SHOWN_VALUE)}…"` : `"${text}"`;
}

function describeIssue(issue: ZodIssue, input: unknown, showPaths: boolean): string {
	if (issue.path.length === 0) return issue.message;
	const label = labelOfPath(issue.path);
	const where = showPaths ? ` (${issue.path.join('.')})` : '';
	// zod 3 says `received: 'undefined'`; zod 4 (should n8n ship it) only says so in its message.
	const isMissing = issue.code === 'invalid_type' && (issue.received === 'undefined' || /received undefined$/.test(issue.message));
	if (isMissing) return `${label}${where} is required`;
	if (issue.code === 'unrecognized_keys') return `${label}${where} has unknown fields: ${issue.keys.join(', ')}`;
	const value = shown(valueAt(input, issue.path));
	return `Invalid ${label}${where}${value ? ` ${value}` : ''}: ${issue.message}`;
}

/**
 * @param showPaths add the JSON path of each field, for input given as JSON
 */
export function validateInput<Out>(
	node: INode,
	schema: ZodType<Out, ZodTypeDef, unknown>,
	input: unknown,
	itemIndex: number,
	showPaths = false,
): Out {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const lines = result.error.issues.map((issue) => describeIssue(issue, input, showPaths).replace(/\s+/g, ' ').trim());
	throw new NodeOperationError(node, `${lines[0]} [item ${itemIndex}]`, {
		itemIndex,
		description: [
			lines.length > 1 ? `All problems in this item:\n${lines.map((line) => `• ${line}`).join('\n')}` : '',
			'Nothing was sent to Cash-In for this item.',
		]
			.filter(Boolean)
			.join('\n'),
	});
}
