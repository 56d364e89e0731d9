import type { IDataObject } from 'n8n-workflow';

import { makeDeliveries } from '../../emulator/seed';
import { memoryKey } from '../../nodes/CashInPartner/monitoring/memory';
import { TRIGGER_NODE_ID, TRIGGER_TYPE, runNode, runPoll } from '../../testing/engine';
import { credentialOf, jsonOf, TODAY, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const SELLERS = ['c_trig_a', 'c_trig_b', 'c_trig_c'];
/** Where the trigger keeps its memory: the workflow's static data, under the node's ID. */
const memoryIn = (staticData: IDataObject) => (staticData.global as IDataObject | undefined)?.[memoryKey(TRIGGER_NODE_ID)] as IDataObject | undefined;

beforeAll(() => {
	SELLERS.forEach((seller, i) =>
		emulator().state.addDeliveries(seller, makeDeliveries(1200, { today: TODAY, seed: 20 + i, perDay: 45, prefix: `T${i}`, failedShare: 0.04 })),
	);
});

const watch = (event: string, sellers = SELLERS) => ({ event, sellerIds: sellers.join(', ') });
const poll = (parameters: IDataObject, staticData?: IDataObject) => runPoll({ parameters, credential: credentialOf(emulator()), staticData });
const deliveredInvoice = (seller: string, n: number) =>
	emulator().state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;

/**
 * Polls as n8n 2.x persists them: the static data is saved when a poll emits (and at activation), and a
 * poll that emits nothing keeps its changes in memory only — so a restart goes back to the last saved copy.
 */
function pollingWorkflow(parameters: IDataObject) {
	let saved: IDataObject | undefined;
	let inMemory: IDataObject | undefined;
	return {
		async activate() {
			const result = await poll(parameters, saved);
			saved = inMemory = result.staticData;
			return result;
		},
		async poll() {
			const result = await poll(parameters, inMemory);
			inMemory = result.staticData;
			if (result.emitted) saved = result.staticData;
			return result;
		},
		/** n8n stops and starts again: what was not saved is gone; activation polls once and saves. */
		async restart() {
			inMemory = saved;
			return await this.activate();
		},
		get saved() {
			return saved;
		},
	};
}

describe('Cash-In Partner Trigger', () => {
	test('first activation emits nothing from history; each new failure fires once and only once', async () => {
		const workflow = pollingWorkflow(watch('deliveryFailed'));
		expect((await workflow.activate()).items).toEqual([]);
		// A failed delivery only needs the FAILED pages: the trigger asks for them alone.
		expect(emulator().requestsTo('getSellerDeliveries').every((r) => r.query.status === 'FAILED')).toBe(true);

		const invoice = deliveredInvoice('c_trig_b', 3);
		emulator().state.setDeliveryStatus('c_trig_b', invoice, 'FAILED', 'Recipient e-invoice address not found');
		const second = await workflow.poll();
		expect(second.items).toEqual([
			expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_b', invoiceNumber: invoice, status: 'FAILED', statusMessage: 'Recipient e-invoice address not found' }),
		]);
		expect(second.unreadable).toEqual([]);
		expect((await workflow.poll()).items).toEqual([]);
		expect((await workflow.restart()).items).toEqual([]);
	});

	test('a restart right after polls that emitted nothing loses nothing: a failure while n8n was down fires once', async () => {
		const workflow = pollingWorkflow(watch('deliveryFailed'));
		await workflow.activate();
		expect((await workflow.poll()).emitted).toBe(false);
		expect((await workflow.poll()).emitted).toBe(false);
		// n8n is stopped; a delivery fails; n8n starts and activates the workflow again.
		const invoice = deliveredInvoice('c_trig_a', 7);
		emulator().state.setDeliveryStatus('c_trig_a', invoice, 'FAILED', 'Mailbox unavailable');
		const afterRestart = await workflow.restart();
		expect(afterRestart.items.map((item) => [item.sellerId, item.invoiceNumber])).toEqual([['c_trig_a', invoice]]);
		expect((await workflow.poll()).items).toEqual([]);
		expect((await workflow.restart()).items).toEqual([]);
	});

	test('a delivery that fails, recovers and fails again alerts twice, across a restart between', async () => {
		const workflow = pollingWorkflow(watch('deliveryFailed', ['c_trig_c']));
		await workflow.activate();
		const invoice = deliveredInvoice('c_trig_c', 2);
		emulator().state.setDeliveryStatus('c_trig_c', invoice, 'FAILED', 'Address incomplete');
		expect((await workflow.poll()).items).toHaveLength(1);
		emulator().state.setDeliveryStatus('c_trig_c', invoice, 'DELIVERED');
		expect((await workflow.poll()).emitted).toBe(false);
		await workflow.restart();
		emulator().state.setDeliveryStatus('c_trig_c', invoice, 'FAILED', 'Address incomplete');
		expect((await workflow.poll()).items.map((item) => item.invoiceNumber)).toEqual([invoice]);
	});

	test('"Delivery Status Changed" reports a new status once, including a delivery first seen just before a restart', async () => {
		const workflow = pollingWorkflow(watch('deliveryStatusChanged', ['c_trig_a']));
		expect((await workflow.activate()).items).toEqual([]);
		const invoice = deliveredInvoice('c_trig_a', 5);
		emulator().state.setDeliveryStatus('c_trig_a', invoice, 'PENDING');
		const next = await workflow.poll();
		expect(next.items).toEqual([expect.objectContaining({ event: 'deliveryStatusChanged', invoiceNumber: invoice, status: 'PENDING' })]);
		expect((await workflow.poll()).items).toEqual([]);
		// Changed while n8n is down: reported once after the restart.
		emulator().state.setDeliveryStatus('c_trig_a', invoice, 'FAILED', 'Mailbox unavailable');
		expect((await workflow.restart()).items).toEqual([expect.objectContaining({ invoiceNumber: invoice, status: 'FAILED' })]);
		expect((await workflow.poll()).items).toEqual([]);
	});

	test('one seller failing: only delivery events on the main output, the seller on "Sellers Not Read", its events come later', async () => {
		const workflow = pollingWorkflow(watch('deliveryFailed'));
		await workflow.activate();
		const invoiceA = deliveredInvoice('c_trig_a', 10);
		const invoiceC = deliveredInvoice('c_trig_c', 10);
		emulator().state.setDeliveryStatus('c_trig_a', invoiceA, 'FAILED', 'Mailbox unavailable');
		emulator().state.setDeliveryStatus('c_trig_c', invoiceC, 'FAILED', 'Address incomplete');
		emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_trig_c/deliveries', fault: { kind: 'status', status: 503 } });

		const during = await workflow.poll();
		expect(during.items).toEqual([expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_a', invoiceNumber: invoiceA })]);
		const keys = ['caseId', 'channel', 'event', 'invoiceNumber', 'recipient', 'sellerId', 'status', 'statusMessage', 'updatedAt'];
		expect(during.items.every((item) => Object.keys(item).sort().join() === keys.join())).toBe(true);
		expect(during.unreadable).toEqual([
			{ sellerId: 'c_trig_c', error: 'Cash-In is temporarily unavailable (maintenance or an outage)', message: expect.stringContaining('Try again in a few minutes') },
		]);

		emulator().faults.clear();
		const after = await workflow.poll();
		expect(after.items).toEqual([expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_c', invoiceNumber: invoiceC })]);
		expect(after.unreadable).toEqual([]);
	}, 30_000);

	test('every seller failing fails the poll with the API error (n8n records it and runs the error workflow)', async () => {
		emulator().addFault({ endpoint: 'getSellerDeliveries', fault: { kind: 'status', status: 404 } });
		await expect(poll(watch('deliveryFailed', ['c_missing']))).rejects.toThrow('Cash-In has nothing for seller ID "c_missing"');
	});

	test('a creditor ID that is not an ID is refused before any request', async () => {
		await expect(poll(watch('deliveryFailed', ['c_trig_a', '..']))).rejects.toThrow('Invalid creditor ID ".." in Creditor IDs: expected an ID, not "." or ".."');
		expect(emulator().requests).toHaveLength(0);
	});

	test('a seller added to the watch list later: its first read records where it stands (its old failures are no news); a failure after that fires once', async () => {
		const before = await poll(watch('deliveryFailed', ['c_trig_a']));
		const withB = await poll(watch('deliveryFailed', ['c_trig_a', 'c_trig_b']), before.staticData);
		expect(withB.items).toEqual([]);
		const later = deliveredInvoice('c_trig_b', 20);
		emulator().state.setDeliveryStatus('c_trig_b', later, 'FAILED', 'Mailbox unavailable');
		const next = await poll(watch('deliveryFailed', ['c_trig_a', 'c_trig_b']), withB.staticData);
		expect(next.items.map((item) => [item.sellerId, item.invoiceNumber])).toEqual([['c_trig_b', later]]);
		expect((await poll(watch('deliveryFailed', ['c_trig_a', 'c_trig_b']), next.staticData)).items).toEqual([]);
	});

	test("0.3.0's stored state is taken over: what changed against it is reported once, then the new memory is kept", async () => {
		const seller = 'c_trig_b';
		const statuses = Object.fromEntries(emulator().state.deliveries.get(seller)!.filter((d) => d.status === 'FAILED').map((d) => [`${d.invoiceNumber}|${d.channel}`, 'FAILED']));
		// 0.3.0 kept it under the node's name (n8n's per-node static data).
		const legacy = { 'node:Cash-In Partner Trigger': { sellers: { [seller]: { event: 'deliveryFailed', statuses } } } };
		const invoice = deliveredInvoice(seller, 30);
		emulator().state.setDeliveryStatus(seller, invoice, 'FAILED', 'Mailbox unavailable');
		const first = await poll(watch('deliveryFailed', [seller]), legacy);
		expect(first.items.map((item) => item.invoiceNumber)).toEqual([invoice]);
		expect(memoryIn(first.staticData)).toEqual({ v: 3, event: 'deliveryFailed', u: [], sellers: { [seller]: expect.stringMatching(/^30:([\w-]{7})+$/) } });
		expect((await poll(watch('deliveryFailed', [seller]), first.staticData)).items).toEqual([]);
	});

	test('sellers are read in parallel, and what is kept does not grow with their deliveries', async () => {
		const sellers = Array.from({ length: 60 }, (_, i) => `c_many_${i}`);
		sellers.forEach((seller, i) => emulator().state.addDeliveries(seller, makeDeliveries(200, { today: TODAY, seed: 100 + i, prefix: `M${i}` })));
		emulator().latencyMs = 30;
		try {
			const started = Date.now();
			const result = await poll(watch('deliveryStatusChanged', sellers));
			const took = Date.now() - started;
			expect(emulator().requestsTo('getSellerDeliveries')).toHaveLength(60);
			expect(emulator().peakInFlight).toBeGreaterThan(4);
			expect(took).toBeLessThan(60 * 30);
			// 60 sellers × 200 deliveries: 9 bytes a delivery (a fingerprint and a status code), nothing more.
			expect(Object.keys(memoryIn(result.staticData)!.sellers as object)).toHaveLength(60);
			expect(JSON.stringify(result.staticData).length).toBeLessThan(60 * 200 * 9 + 60 * 30 + 200);
		} finally {
			emulator().latencyMs = 0;
		}
	});

	test('a manual test run returns up to 10 recent matching deliveries, and stops reading once it has them', async () => {
		const result = await runNode({ type: TRIGGER_TYPE, parameters: watch('deliveryFailed'), credential: credentialOf(emulator()), items: [] });
		const out = jsonOf(result);
		expect(out).toHaveLength(10);
		expect(out.every((d) => d.status === 'FAILED' && d.event === 'deliveryFailed')).toBe(true);
		expect(Object.keys(out[0]).sort()).toEqual(['caseId', 'channel', 'event', 'invoiceNumber', 'recipient', 'sellerId', 'status', 'statusMessage', 'updatedAt']);
		expect(new Set(emulator().requestsTo('getSellerDeliveries').map((r) => r.params.sellerId))).toEqual(new Set(['c_trig_a']));
	});

	test('renamed while active, the trigger keeps its memory (kept under its ID): a failure after the rename fires once, nothing old again', async () => {
		const seller = SELLERS[0];
		const first = await runPoll({ parameters: watch('deliveryFailed', [seller]), credential: credentialOf(emulator()), nodeName: 'Failed deliveries' });
		const invoice = deliveredInvoice(seller, 21);
		emulator().state.setDeliveryStatus(seller, invoice, 'FAILED', 'Mailbox unavailable');
		const renamed = await runPoll({ parameters: watch('deliveryFailed', [seller]), credential: credentialOf(emulator()), staticData: first.staticData, nodeName: 'Undelivered invoices' });
		expect(renamed.items.map((item) => item.invoiceNumber)).toEqual([invoice]);
		const again = await runPoll({ parameters: watch('deliveryFailed', [seller]), credential: credentialOf(emulator()), staticData: renamed.staticData, nodeName: 'Undelivered invoices' });
		expect(again.items).toEqual([]);
	});
});
