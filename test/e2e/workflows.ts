/** Workflows only the end-to-end tier runs (the shipped examples are run as they are, too). */
import { businessIdFor } from '../../emulator/seed';
import { EMULATOR_CREDENTIAL } from '../../testing/n8n';

export const WRONG_KEY_CREDENTIAL = { id: 'CashInWrongKey001', name: 'Cash-In Partner (wrong key)' };

const NODE = 'n8n-nodes-cash-in-partner.cashInPartner';
const TRIGGER = 'n8n-nodes-cash-in-partner.cashInPartnerTrigger';
const credentials = { cashInPartnerApi: EMULATOR_CREDENTIAL };
/** n8n 2.0's import refuses a workflow without a versionId; later versions accept one. */
const versionOf = (id: string) => `e2e00000-0000-4000-8000-${id.toLowerCase().replace(/[^0-9a-f]/g, '0').padEnd(12, '0').slice(0, 12)}`;

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
		versionId: versionOf(id),
	};
}

/** n8n's node settings a user can pick, as they are saved on the node. */
export interface NodeSettings {
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	/** The node's version (1 unless given, as 0.3.0 saved it; new nodes are 2). */
	typeVersion?: number;
}

/**
 * Manual Trigger → rows (as a sheet would give them) → one item per row → the Cash-In node with the given
 * settings → "Done" and, with the error output, "Failed".
 */
function fromRows(id: string, name: string, rows: Array<Record<string, unknown>>, cashInParameters: Record<string, unknown>, settings: NodeSettings = {}) {
	const errorOutput = settings.onError === 'continueErrorOutput';
	return {
		id,
		name,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-2`, name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} } },
			{ id: `${id}-3`, name: 'One item per row', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{ id: `${id}-4`, name: 'Cash-In', type: NODE, typeVersion: 1, position: [600, 0], parameters: cashInParameters, credentials, ...settings },
			{ id: `${id}-5`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, -80], parameters: {} },
			...(errorOutput ? [{ id: `${id}-6`, name: 'Failed', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, 80], parameters: {} }] : []),
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: 'Cash-In', type: 'main', index: 0 }]] },
			'Cash-In': { main: [[{ node: 'Done', type: 'main', index: 0 }], ...(errorOutput ? [[{ node: 'Failed', type: 'main', index: 0 }]] : [])] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		versionId: versionOf(id),
	};
}

/** Reminder rows; `badAt` rows carry a phone number that cannot be one. */
export const reminderRows = (tag: string, count: number, badAt: number[] = []) =>
	Array.from({ length: count }, (_, i) => ({ phone: badAt.includes(i) ? '040 CALL ME' : `+3584013${String(i).padStart(5, '0')}`, text: `Muistutus ${i}`, ref: `${tag}-${i}` }));

const sendFromRows = { resource: 'sms', operation: 'send', recipient: '={{ $json.phone }}', message: '={{ $json.text }}', additionalFields: { reference: '={{ $json.ref }}' } };

const createFromRows = {
	resource: 'creditor',
	operation: 'create',
	serviceType: 'LIFECYCLE',
	name: '={{ $json.company }}',
	businessId: '={{ $json.businessId }}',
	country: 'FI',
	contacts: { contact: [{ role: 'PRIMARY', name: 'Maija Meikäläinen' }] },
};

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
	retryErrorOutput: fromRows('E2eRetryErrOut01', 'e2e: Retry On Fail, a bad first row, error output', reminderRows('RE', 5, [0]), sendFromRows, {
		onError: 'continueErrorOutput',
		retryOnFail: true,
		maxTries: 3,
		waitBetweenTries: 100,
	}),
	retryStop: fromRows('E2eRetryStop0001', 'e2e: Retry On Fail, a bad first row, Stop Workflow', reminderRows('RS', 5, [0]), sendFromRows, { retryOnFail: true, maxTries: 3, waitBetweenTries: 100 }),
	stopInTheMiddle: fromRows('E2eStopMiddle001', 'e2e: Stop Workflow, a bad row 20 of 40, defaults', reminderRows('SM', 40, [20]), sendFromRows),
	smsOtherShape: fromRows('E2eSmsShape00001', 'e2e: SMS answered in another shape', reminderRows('OS', 3), sendFromRows),
	creditorOtherShape: fromRows('E2eCredShape0001', 'e2e: Creditor Create answered in another shape', [{ company: 'Muoto Oy', businessId: businessIdFor(4242) }], createFromRows),
	// Never twice across executions, at the defaults (Stop Workflow, Requests in Parallel as shipped, node version 2).
	retryAfterRefusal: fromRows('E2eRetryExec0001', 'e2e: 60 rows, row 41 refused, then n8n\'s Retry', reminderRows('RX', 60), sendFromRows, { typeVersion: 2 }),
	runTwice: fromRows('E2eRunTwice00001', 'e2e: the same rows run twice', reminderRows('TW', 5), sendFromRows, { typeVersion: 2 }),
	runTwiceOff: fromRows('E2eRunTwiceOff01', 'e2e: the same rows run twice, Skip Items Sent Before off', reminderRows('TO', 5), { ...sendFromRows, skipSentBefore: false }, { typeVersion: 2 }),
	throughProxy: fromRows('E2eThroughProxy01', 'e2e: SMS through the partner\'s proxy', reminderRows('PX', 3), sendFromRows, { typeVersion: 2 }),
	dotDotId: linear('E2eDotDotId00001', 'e2e: ".." as a creditor ID', { resource: 'creditorCredential', operation: 'get', creditorId: '..' }),
};

/** Polling every minute (n8n's shortest), for the tier's active-trigger checks. */
export function activeTrigger(id: string, sellerIds: string[]) {
	return {
		id,
		name: `e2e: trigger watching ${sellerIds.length} sellers`,
		nodes: [
			{
				id: `${id}-1`,
				name: 'Failed deliveries',
				type: TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'deliveryFailed', sellerIds: sellerIds.join(', ') },
				credentials,
			},
			{ id: `${id}-2`, name: 'Event', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, -80], parameters: {} },
			{ id: `${id}-3`, name: 'Seller not read', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 80], parameters: {} },
		],
		connections: { 'Failed deliveries': { main: [[{ node: 'Event', type: 'main', index: 0 }], [{ node: 'Seller not read', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
		versionId: versionOf(id),
	};
}

/**
 * The portfolio the way a partner with many sellers builds it: a Schedule Trigger (every minute here, or
 * every few seconds), the seller list (a sheet in real life), Seller Delivery → Get Changes.
 */
export function portfolioWorkflow(id: string, sellerIds: string[], getChanges: { event?: string; readWindowDays?: number; name?: string; everySeconds?: number } = {}) {
	const watcher = getChanges.name ?? 'Failed since last run';
	const schedule = getChanges.everySeconds ? `Every ${getChanges.everySeconds} seconds` : 'Every minute';
	const rule = getChanges.everySeconds ? { field: 'seconds', secondsInterval: getChanges.everySeconds } : { field: 'minutes', minutesInterval: 1 };
	return {
		id,
		name: `e2e: portfolio of ${sellerIds.length} sellers`,
		nodes: [
			{ id: `${id}-1`, name: schedule, type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 0], parameters: { rule: { interval: [rule] } } },
			{ id: `${id}-2`, name: 'Sellers', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: sellerIds.map((sellerId) => ({ sellerId })) }), options: {} } },
			{ id: `${id}-3`, name: 'One item per seller', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{
				id: `${id}-4`,
				name: watcher,
				type: NODE,
				typeVersion: 1,
				position: [600, 0],
				parameters: { resource: 'delivery', operation: 'getChanges', sellerId: '={{ $json.sellerId }}', event: getChanges.event ?? 'deliveryFailed', ...(getChanges.readWindowDays ? { readWindowDays: getChanges.readWindowDays } : {}) },
				credentials,
			},
			{ id: `${id}-5`, name: 'Alert', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, 0], parameters: {} },
		],
		connections: {
			[schedule]: { main: [[{ node: 'Sellers', type: 'main', index: 0 }]] },
			Sellers: { main: [[{ node: 'One item per seller', type: 'main', index: 0 }]] },
			'One item per seller': { main: [[{ node: watcher, type: 'main', index: 0 }]] },
			[watcher]: { main: [[{ node: 'Alert', type: 'main', index: 0 }]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		versionId: versionOf(id),
	};
}
