/** Workflows of the version matrix: every operation in one run, and the workflow saved on the oldest n8n. */
import { businessIdFor } from '../../emulator/seed';
import { EMULATOR_CREDENTIAL } from '../../testing/n8n';

const NODE = 'n8n-nodes-cash-in-partner.cashInPartner';
const credentials = { cashInPartnerApi: EMULATOR_CREDENTIAL };

/** Every operation of the node, configured as a partner would (one node each), by node name. */
export function everyOperation(tag: string): Record<string, Record<string, unknown>> {
	return {
		'Create creditor': {
			resource: 'creditor',
			operation: 'create',
			serviceType: 'LIFECYCLE',
			name: `Yhteensopiva ${tag} Oy`,
			businessId: businessIdFor(7000 + [...tag].reduce((sum, char) => sum + char.charCodeAt(0), 0)),
			country: 'FI',
			contacts: { contact: [{ role: 'PRIMARY', name: 'Maija Meikäläinen', email: 'maija@esimerkki.fi' }] },
			bankAccounts: { account: [{ iban: 'FI21 1234 5600 0007 85', bic: 'NDEAFIHH' }] },
			additionalFields: { city: 'Helsinki', phone: '040 123 4567' },
		},
		'Update creditor': { resource: 'creditor', operation: 'update', creditorId: 'c_00002', updateFields: { city: 'TURKU' } },
		'Get credentials': { resource: 'creditorCredential', operation: 'get', creditorId: 'c_00001' },
		'Get agreements': { resource: 'agreement', operation: 'getAll', creditorId: 'c_00001', returnAll: true },
		'Get deliveries': { resource: 'delivery', operation: 'getAll', sellerId: 'c_00001', limit: 5, filters: { status: 'FAILED' } },
		'Get changes': { resource: 'delivery', operation: 'getChanges', sellerId: 'c_00003', event: 'deliveryFailed' },
		'Send SMS': { resource: 'sms', operation: 'send', recipient: '040 765 4321', message: 'Muistutus: lasku erääntyi.', additionalFields: { reference: `COMPAT-${tag}` } },
	};
}

/**
 * One workflow holding every operation: a Manual Trigger for `n8n execute` and a Schedule Trigger (once a
 * year, never during a test) so it can be published — publishing resolves every parameter the way n8n
 * does at activation, where a parameter n8n can no longer read fails.
 */
export function everyOperationWorkflow(id: string, tag: string, versionId: string) {
	const operations = everyOperation(tag);
	const names = Object.keys(operations);
	return {
		id,
		name: `compat: every operation (${tag})`,
		nodes: [
			{ id: `${id}-m`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-s`, name: 'Yearly', type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 200], parameters: { rule: { interval: [{ field: 'months', monthsInterval: 12 }] } } },
			...names.map((name, i) => ({ id: `${id}-${i}`, name, type: NODE, typeVersion: 1, position: [300, i * 120], parameters: operations[name], credentials })),
		],
		connections: {
			Start: { main: [names.map((node) => ({ node, type: 'main', index: 0 }))] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		versionId,
	};
}
