import type { IDataObject } from 'n8n-workflow';

import { makeDeliveries } from '../emulator/seed';
import { TRIGGER_TYPE, runNode, runPoll } from '../harness/engine';
import { credentialOf, jsonOf, TODAY, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const SELLERS = ['c_trig_a', 'c_trig_b', 'c_trig_c'];

beforeAll(() => {
	SELLERS.forEach((seller, i) =>
		emulator().state.addDeliveries(seller, makeDeliveries(1200, { today: TODAY, seed: 20 + i, perDay: 45, prefix: `T${i}`, failedShare: 0.04 })),
	);
});

const watch = (event: string, sellers = SELLERS) => ({ event, sellerIds: sellers.join(', ') });
const poll = (parameters: IDataObject, staticData?: IDataObject) => runPoll({ parameters, credential: credentialOf(emulator()), staticData });
const deliveredInvoice = (seller: string, n: number) =>
	emulator().state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;

describe('Cash-In Partner Trigger', () => {
	test('first activation emits nothing from history; each new failure fires once and only once, across restarts', async () => {
		const first = await poll(watch('deliveryFailed'));
		expect(first.items).toEqual([]);
		// A failed delivery only needs the FAILED pages: the trigger asks for them alone.
		expect(emulator().requestsTo('getSellerDeliveries').every((r) => r.query.status === 'FAILED')).toBe(true);

		const invoice = deliveredInvoice('c_trig_b', 3);
		emulator().state.setDeliveryStatus('c_trig_b', invoice, 'FAILED', 'Recipient e-invoice address not found');

		// staticData is what n8n persists between polls and restarts: each poll starts from a stored copy.
		const second = await poll(watch('deliveryFailed'), first.staticData);
		expect(second.items).toEqual([
			expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_b', invoiceNumber: invoice, status: 'FAILED', previousStatus: null, statusMessage: 'Recipient e-invoice address not found' }),
		]);
		const third = await poll(watch('deliveryFailed'), second.staticData);
		expect(third.items).toEqual([]);
	});

	test('"Delivery Status Changed" reports any change of a known delivery, with the previous status', async () => {
		const baseline = await poll(watch('deliveryStatusChanged', ['c_trig_a']));
		expect(baseline.items).toEqual([]);
		const invoice = deliveredInvoice('c_trig_a', 5);
		emulator().state.setDeliveryStatus('c_trig_a', invoice, 'PENDING');
		const next = await poll(watch('deliveryStatusChanged', ['c_trig_a']), baseline.staticData);
		expect(next.items).toEqual([expect.objectContaining({ event: 'deliveryStatusChanged', invoiceNumber: invoice, status: 'PENDING', previousStatus: 'DELIVERED' })]);
		expect((await poll(watch('deliveryStatusChanged', ['c_trig_a']), next.staticData)).items).toEqual([]);
	});

	test('one seller failing: the others\' events are still emitted, the failure is reported, and its events come later', async () => {
		const baseline = await poll(watch('deliveryFailed'));
		const invoiceA = deliveredInvoice('c_trig_a', 10);
		const invoiceC = deliveredInvoice('c_trig_c', 10);
		emulator().state.setDeliveryStatus('c_trig_a', invoiceA, 'FAILED', 'Mailbox unavailable');
		emulator().state.setDeliveryStatus('c_trig_c', invoiceC, 'FAILED', 'Address incomplete');
		emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_trig_c/deliveries', fault: { kind: 'status', status: 503 } });

		const during = await poll(watch('deliveryFailed'), baseline.staticData);
		expect(during.items).toEqual([
			expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_a', invoiceNumber: invoiceA }),
			expect.objectContaining({ event: 'sellerError', sellerId: 'c_trig_c', error: 'Cash-In is temporarily unavailable (maintenance or an outage)' }),
		]);

		emulator().faults.clear();
		const after = await poll(watch('deliveryFailed'), during.staticData);
		expect(after.items).toEqual([expect.objectContaining({ event: 'deliveryFailed', sellerId: 'c_trig_c', invoiceNumber: invoiceC })]);
	}, 30_000);

	test('every seller failing fails the poll with the API error', async () => {
		emulator().addFault({ endpoint: 'getSellerDeliveries', fault: { kind: 'status', status: 404 } });
		await expect(poll(watch('deliveryFailed', ['c_missing']))).rejects.toThrow('Cash-In has nothing for seller ID "c_missing"');
	});

	test('a manual test run returns the most recent matching deliveries so the data shape shows', async () => {
		const result = await runNode({ type: TRIGGER_TYPE, parameters: watch('deliveryFailed', ['c_trig_a']), credential: credentialOf(emulator()), items: [] });
		const out = jsonOf(result);
		expect(out.length).toBeGreaterThan(0);
		expect(out.length).toBeLessThanOrEqual(10);
		expect(out.every((d) => d.status === 'FAILED' && d.event === 'deliveryFailed')).toBe(true);
		expect(Object.keys(out[0]).sort()).toEqual(['caseId', 'channel', 'event', 'invoiceNumber', 'previousStatus', 'recipient', 'sellerId', 'status', 'statusMessage', 'updatedAt']);
	});
});
