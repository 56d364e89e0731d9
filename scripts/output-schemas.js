// The output schema of every operation (and of the trigger) as JSON Schema, at
// nodes/CashInPartner/__schema__/v<version>/<resource>/<operation>.json, where n8n's editor finds them: it
// shows a node's output fields ("Preview") for mapping before the node has run once. They live in the
// source tree, as n8n's node tooling expects (`n8n-node build` copies **/__schema__/**), and tsc copies
// them into dist/. Built from the contract's response schemas (dist/, compiled just before), plus the fields
// the node adds. `npm run schemas` writes them; test/release/outputSchemas.test.ts fails when they differ.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'nodes', 'CashInPartner');
const source = path.join(__dirname, '..', 'nodes', 'CashInPartner');
const schemas = require(path.join(dist, 'contract', 'schemas.js'));

/** JSON Schema of a zod 3 schema, for the kinds the contract uses. */
function toJsonSchema(schema) {
	const def = schema._def;
	switch (def.typeName) {
		case 'ZodObject':
			return { type: 'object', properties: Object.fromEntries(Object.entries(schema.shape).map(([key, inner]) => [key, toJsonSchema(inner)])) };
		case 'ZodArray':
			return { type: 'array', items: toJsonSchema(def.type) };
		case 'ZodOptional':
		case 'ZodNullable':
			return toJsonSchema(def.innerType);
		case 'ZodEffects':
			return toJsonSchema(def.schema);
		case 'ZodUnion':
			return toJsonSchema(def.options[0]);
		case 'ZodNumber':
			return { type: 'number' };
		case 'ZodBoolean':
			return { type: 'boolean' };
		default:
			return { type: 'string' };
	}
}

const object = (properties) => ({ type: 'object', properties });
const withFields = (base, extra) => object({ ...toJsonSchema(base).properties, ...extra });
const string = { type: 'string' };
/** What an operation that creates something adds: whether the item was skipped as sent before, and why. */
const sentBefore = { alreadySent: { type: 'boolean' }, note: string };

const simpleDelivery = object(Object.fromEntries(['invoiceNumber', 'caseId', 'channel', 'status', 'statusMessage', 'recipient', 'updatedAt'].map((field) => [field, string])));
const deliveryEvent = object({ event: string, sellerId: string, ...simpleDelivery.properties, previousStatus: string });

/** What each operation outputs, one item's worth. */
const outputs = {
	creditor: {
		create: withFields(schemas.createCreditorResponseSchema, { businessId: string, ...sentBefore }),
		update: toJsonSchema(schemas.storedCreditorSchema),
	},
	creditorCredential: { get: toJsonSchema(schemas.creditorCredentialsSchema) },
	agreement: { getAll: withFields(schemas.agreementSchema, { creditorId: string }) },
	delivery: {
		getAll: object({ sellerId: string, ...simpleDelivery.properties }),
		getChanges: deliveryEvent,
	},
	sms: { send: withFields(schemas.sendSmsResponseSchema, { encoding: string, reference: string, ...sentBefore }) },
};

/** Every schema file, by its path under nodes/CashInPartner/, with the text it must hold. */
function expectedSchemaFiles() {
	const files = {};
	const add = (relative, schema) => (files[relative] = `${JSON.stringify(schema, null, '\t')}\n`);
	for (const version of ['1.0.0', '2.0.0']) {
		for (const [resource, operations] of Object.entries(outputs)) {
			for (const [operation, schema] of Object.entries(operations)) add(path.join('__schema__', `v${version}`, resource, `${operation}.json`), schema);
		}
	}
	// The trigger shares the folder: its node has no resource or operation, so n8n looks for output.json.
	add(path.join('__schema__', 'v1.0.0', 'output.json'), deliveryEvent);
	return files;
}

module.exports = { expectedSchemaFiles, sourceDir: source };

if (require.main === module && process.argv.includes('--write')) {
	fs.rmSync(path.join(source, '__schema__'), { recursive: true, force: true });
	for (const [relative, text] of Object.entries(expectedSchemaFiles())) {
		fs.mkdirSync(path.dirname(path.join(source, relative)), { recursive: true });
		fs.writeFileSync(path.join(source, relative), text);
	}
}
