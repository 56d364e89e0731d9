/**
 * The output schemas for n8n's editor (nodes/CashInPartner/__schema__, copied into dist/ by the build, shown
 * as "Preview" before a node has run) are the ones scripts/output-schemas.js derives from the contract, and
 * say what each operation really outputs: every operation runs here against the emulator, and
 * every field of its output item, at every level, is in the schema (which also lists the optional fields
 * Cash-In may leave out).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { makeDeliveries } from '../../emulator/seed';
import { addCreditor, credentialOf, jsonOf, run, TODAY, useEmulator } from '../harness/fixtures';
import { runPoll } from '../../testing/engine';

const emulator = useEmulator();
const SCHEMAS = path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'CashInPartner', '__schema__');

interface JsonSchema {
	type: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
}

test('the schemas in the source tree are the ones the contract gives (else run `npm run schemas`), and the build copied them', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { expectedSchemaFiles, sourceDir } = require('../../scripts/output-schemas.js') as { expectedSchemaFiles: () => Record<string, string>; sourceDir: string };
	const expected = expectedSchemaFiles();
	const inSource = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? inSource(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
	const present = inSource(path.join(sourceDir, '__schema__')).map((file) => path.relative(sourceDir, file));
	expect(present.sort()).toEqual(Object.keys(expected).sort());
	for (const [relative, text] of Object.entries(expected)) {
		expect(fs.readFileSync(path.join(sourceDir, relative), 'utf8')).toBe(text);
		expect(fs.readFileSync(path.join(SCHEMAS, '..', relative), 'utf8')).toBe(text);
	}
});

const schemaOf = (version: string, ...parts: string[]) => JSON.parse(fs.readFileSync(path.join(SCHEMAS, `v${version}`, ...parts), 'utf8')) as JsonSchema;

/** Every field path of a value, e.g. `credentials.apiKey`, lists by their first element. */
function pathsOf(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return value.length ? pathsOf(value[0], `${prefix}[]`) : [`${prefix}[]`];
	if (value === null || typeof value !== 'object') return [prefix];
	return Object.entries(value as IDataObject).flatMap(([key, inner]) => pathsOf(inner, prefix ? `${prefix}.${key}` : key));
}

function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
	if (schema.type === 'array') return schemaPaths(schema.items!, `${prefix}[]`);
	if (schema.type !== 'object' || !schema.properties) return [prefix];
	return Object.entries(schema.properties).flatMap(([key, inner]) => schemaPaths(inner, prefix ? `${prefix}.${key}` : key));
}

/** The output's fields the schema does not name (an empty list is covered by the schema's list). */
function unnamed(output: unknown, schema: JsonSchema): string[] {
	const named = schemaPaths(schema);
	return pathsOf(output).filter((field) => !named.includes(field) && !(field.endsWith('[]') && named.some((name) => name.startsWith(field))));
}

const seller = 'c_schema_seller';
beforeAll(() => emulator().state.addDeliveries(seller, makeDeliveries(20, { today: TODAY, failedShare: 0.5 })));

const creditorWith = () => {
	const creditor = addCreditor(emulator());
	emulator().state.addAgreement(creditor.creditorId, { agreementId: 'CRM-1', system: 'CRM', validTo: '2027-01-01' });
	return creditor.creditorId;
};

const operations: Array<[string, string, () => IDataObject]> = [
	['creditor', 'create', () => ({ serviceType: 'LIFECYCLE', name: 'Skeema Oy', businessId: '1572860-0', country: 'FI', contacts: { contact: [{ role: 'PRIMARY', name: 'Maija' }] } })],
	['creditor', 'update', () => ({ creditorId: creditorWith(), updateFields: { city: 'Turku' } })],
	['creditorCredential', 'get', () => ({ creditorId: creditorWith() })],
	['agreement', 'getAll', () => ({ creditorId: creditorWith() })],
	['delivery', 'getAll', () => ({ sellerId: seller })],
	['sms', 'send', () => ({ recipient: '0401234567', message: 'Hei', additionalFields: { reference: 'SCHEMA-1' } })],
];

test.each(operations)('%s → %s: the schema names every field the operation outputs', async (resource, operation, parameters) => {
	const result = await run(emulator(), { parameters: { resource, operation, ...parameters() } });
	expect(result.error).toBeUndefined();
	const output = jsonOf(result)[0];
	expect(pathsOf(output).length).toBeGreaterThan(2);
	for (const version of ['1.0.0', '2.0.0']) expect(unnamed(output, schemaOf(version, resource, `${operation}.json`))).toEqual([]);
});

test('delivery → getChanges and the trigger: the schema names the fields of a delivery event', async () => {
	const first = await runPoll({ parameters: { event: 'deliveryStatusChanged', sellerIds: seller }, credential: credentialOf(emulator()) });
	emulator().state.setDeliveryStatus(seller, emulator().state.deliveries.get(seller)![0].invoiceNumber, 'PENDING');
	const next = await runPoll({ parameters: { event: 'deliveryStatusChanged', sellerIds: seller }, credential: credentialOf(emulator()), staticData: first.staticData });
	expect(next.items).toHaveLength(1);
	// A delivery event has a fixed shape: here the schema and the item name the same fields.
	expect(schemaPaths(schemaOf('1.0.0', 'output.json')).sort()).toEqual(pathsOf(next.items[0]).sort());
	expect(schemaPaths(schemaOf('2.0.0', 'delivery', 'getChanges.json')).sort()).toEqual(pathsOf(next.items[0]).sort());
});
