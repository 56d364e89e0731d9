/** Workflows only the end-to-end tier runs (the shipped examples are run as they are, too). */
import { EMULATOR_CREDENTIAL } from '../../testing/n8n';

export const WRONG_KEY_CREDENTIAL = { id: 'CashInWrongKey001', name: 'Cash-In Partner (wrong key)' };

const NODE = 'n8n-nodes-cash-in-partner.cashInPartner';

function linear(id: string, name: string, cashInParameters: Record<string, unknown>, credential = EMULATOR_CREDENTIAL) {
	return {
		id,
		name,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-2`, name: 'Cash-In', type: NODE, typeVersion: 1, position: [220, 0], parameters: cashInParameters, credentials: { cashInPartnerApi: credential } },
		],
		connections: { Start: { main: [[{ node: 'Cash-In', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

export const e2eWorkflows = {
	update: linear('E2eUpdateCreditor', 'e2e: update a creditor', {
		resource: 'creditor',
		operation: 'update',
		creditorId: 'c_00002',
		updateFields: { city: 'TAMPERE', phone: '050 111 2222' },
	}),
	wrongKey: linear(
		'E2eWrongKey000001',
		'e2e: wrong key',
		{ resource: 'creditorCredential', operation: 'get', creditorId: 'c_00001' },
		WRONG_KEY_CREDENTIAL,
	),
};
