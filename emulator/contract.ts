/**
 * What the emulator knows of the API beyond what the node uses, built on the contract module's public
 * shape (`ENDPOINTS`, the request schemas): routing a path back to its endpoint, the delivery channels it
 * makes up data for, and the API's strictness — it takes only bodies already in canonical form.
 */
import { isDeepStrictEqual } from 'node:util';

import type { ZodType, ZodTypeDef } from 'zod';

import type { Endpoint } from '../nodes/CashInPartner/contract/endpoints';

/** [assumed] The channels an invoice is delivered over (the node passes `channel` through as it comes). */
export const DELIVERY_CHANNELS = ['EINVOICE', 'EMAIL', 'PRINT', 'SMS'] as const;

/** The reverse of the contract's `pathOf`: the path parameters when `path` fits the endpoint's template. */
export function matchPath(endpoint: Endpoint, path: string): Record<string, string> | undefined {
	const names: string[] = [];
	const pattern = endpoint.template.replace(/\{(\w+)\}/g, (_, name: string) => {
		names.push(name);
		return '([^/]+)';
	});
	const match = new RegExp(`^${pattern}$`).exec(path);
	if (!match) return undefined;
	return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
}

export interface FieldIssue {
	path: Array<string | number>;
	message: string;
}

/** The first place where two JSON values differ, as a path. */
function firstDifference(sent: unknown, canonical: unknown, path: Array<string | number> = []): Array<string | number> | undefined {
	if (isDeepStrictEqual(sent, canonical)) return undefined;
	if (sent && canonical && typeof sent === 'object' && typeof canonical === 'object') {
		const keys = new Set([...Object.keys(sent), ...Object.keys(canonical)]);
		for (const key of keys) {
			const step = Array.isArray(sent) ? Number(key) : key;
			const inner = firstDifference((sent as Record<string, unknown>)[key], (canonical as Record<string, unknown>)[key], [...path, step]);
			if (inner) return inner;
		}
	}
	return path;
}

const valueAt = (value: unknown, path: Array<string | number>) =>
	path.reduce<unknown>((inner, key) => (inner && typeof inner === 'object' ? (inner as Record<string | number, unknown>)[key] : undefined), value);

/**
 * Checks a request body as the API would: valid by the contract's schema, and already in the canonical
 * form the node sends (a local phone number or a spaced IBAN is the node's job to fix, not the API's).
 */
export function canonicalBody<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): { ok: true; value: T } | { ok: false; issues: FieldIssue[] } {
	const parsed = schema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) };
	const differs = firstDifference(body, parsed.data);
	if (differs) return { ok: false, issues: [{ path: differs, message: `expected the canonical form ${JSON.stringify(valueAt(parsed.data, differs))}` }] };
	return { ok: true, value: parsed.data };
}
