/**
 * Compares a response body with a contract schema field by field, the way a partner needs it: every
 * difference at once (zod stops at what makes a parse fail; passthrough schemas accept unknown fields),
 * each naming the field, what the contract says, and what came instead. Works on the contract's zod
 * schemas themselves, so there is no second copy of the contract.
 */
import { z, type ZodTypeAny } from 'zod';

export type FindingKind = 'missing' | 'unexpected' | 'type' | 'enum';

export interface Finding {
	kind: FindingKind;
	/** Dot path in the body; `[]` stands for every element of a list. */
	path: string;
	detail: string;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Strips the wrappers that do not change what a value looks like. */
function unwrap(schema: ZodTypeAny): ZodTypeAny {
	for (;;) {
		if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap();
		else if (schema instanceof z.ZodDefault) schema = schema._def.innerType;
		else if (schema instanceof z.ZodEffects) schema = schema.innerType();
		else return schema;
	}
}

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value === 'object' ? 'object' : typeof value);

/** The closed list of values a field may take, where the contract has one (`z.enum(…)` or `z.enum(…).or(z.string())`). */
function enumValuesOf(schema: ZodTypeAny): readonly string[] | undefined {
	if (schema instanceof z.ZodEnum) return schema.options as string[];
	if (schema instanceof z.ZodUnion) {
		const known = (schema.options as ZodTypeAny[]).map(unwrap).find((option) => option instanceof z.ZodEnum) as z.ZodEnum<[string, ...string[]]> | undefined;
		return known?.options;
	}
	return undefined;
}

function expectedType(schema: ZodTypeAny): string {
	if (schema instanceof z.ZodString || enumValuesOf(schema)) return 'string';
	if (schema instanceof z.ZodNumber) return 'number';
	if (schema instanceof z.ZodBoolean) return 'boolean';
	if (schema instanceof z.ZodObject) return 'object';
	if (schema instanceof z.ZodArray) return 'list';
	return 'value';
}

function walk(raw: ZodTypeAny, value: unknown, path: string, out: Finding[]): void {
	if (value === null && (raw.isNullable() || raw.isOptional())) return;
	const schema = unwrap(raw);
	if (schema instanceof z.ZodObject) {
		if (typeOf(value) !== 'object') return void out.push({ kind: 'type', path, detail: `expected an object, got ${typeOf(value)}` });
		const shape = schema.shape as Record<string, ZodTypeAny>;
		const record = value as Record<string, unknown>;
		for (const [key, field] of Object.entries(shape)) {
			if (record[key] === undefined) {
				if (!field.isOptional()) out.push({ kind: 'missing', path: join(path, key), detail: `required by the contract (${expectedType(unwrap(field))}), not in the response` });
			} else {
				walk(field, record[key], join(path, key), out);
			}
		}
		for (const key of Object.keys(record)) {
			if (!(key in shape)) out.push({ kind: 'unexpected', path: join(path, key), detail: `not in the contract (${typeOf(record[key])})` });
		}
		return;
	}
	if (schema instanceof z.ZodArray) {
		if (!Array.isArray(value)) return void out.push({ kind: 'type', path, detail: `expected a list, got ${typeOf(value)}` });
		for (const element of value) walk(schema.element, element, `${path}[]`, out);
		return;
	}
	const known = enumValuesOf(schema);
	if (known) {
		if (typeof value !== 'string') return void out.push({ kind: 'type', path, detail: `expected a string, got ${typeOf(value)}` });
		if (!known.includes(value)) out.push({ kind: 'enum', path, detail: `value "${value}" is not one the contract knows (${known.join(', ')})` });
		return;
	}
	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		out.push({ kind: 'type', path, detail: typeOf(value) === expectedType(schema) ? issue.message : `expected a ${expectedType(schema)}, got ${typeOf(value)}` });
	}
}

/** Every difference between `value` and `schema`; the same difference in many list elements is listed once. */
export function compareWithSchema(schema: ZodTypeAny, value: unknown): Finding[] {
	const out: Finding[] = [];
	walk(schema, value, '', out);
	const seen = new Set<string>();
	return out.filter((finding) => {
		const key = `${finding.kind} ${finding.path} ${finding.kind === 'enum' ? finding.detail : ''}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}
