/**
 * Seller Delivery → Get Changes: a portfolio watched from one workflow (a Schedule Trigger and a sheet of
 * sellers). Runs are modelled as n8n runs them: the static data is saved after every production execution
 * (whatever its outcome) and never after a manual one. Counts come from the emulator and the output items.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { makeDeliveries } from '../../emulator/seed';
import { jsonOf, pairingOf, run, TODAY, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const SELLERS = Array.from({ length: 6 }, (_, i) => `c_port_${i}`);
const NODE_DATA = 'node:Cash-In Partner';

beforeAll(() => {
	SELLERS.forEach((seller, i) => emulator().state.addDeliveries(seller, makeDeliveries(300, { today: TODAY, seed: 50 + i, prefix: `P${i}`, failedShare: 0.05 })));
});

const getChanges = (event = 'deliveryFailed') => ({ resource: 'delivery', operation: 'getChanges', sellerId: '={{ $json.sellerId }}', event });
const rowsOf = (sellers: string[]) => sellers.map((sellerId) => ({ sellerId, name: `Seller ${sellerId}` }));
const deliveredInvoice = (seller: string, n: number) => emulator().state.deliveries.get(seller)!.filter((d) => d.status === 'DELIVERED')[n].invoiceNumber;

/** One workflow's runs: production runs save the static data after the execution (when changed), manual ones never. */
let workflows = 0;

function scheduledWorkflow(event = 'deliveryFailed', sellers = SELLERS) {
	let saved: IDataObject = {};
	const workflowId = `portfolio-${++workflows}`;
	return {
		async run(options: { mode?: 'trigger' | 'manual'; onError?: INode['onError']; retry?: { maxTries: number }; staticDataLost?: boolean } = {}) {
			const mode = options.mode ?? 'trigger';
			const staticData = options.staticDataLost ? {} : saved;
			const result = await run(emulator(), { parameters: getChanges(event), items: rowsOf(sellers), mode, staticData, onError: options.onError, retry: options.retry, workflowId });
			// n8n saves the static data after a production run when the run changed it (an empty node entry,
			// which merely reading it creates, does not count: n8n's ignoreEmptyOnFirstChild).
			const changed = Object.keys((result.staticData[NODE_DATA] as object | undefined) ?? {}).length > 0 && JSON.stringify(result.staticData) !== JSON.stringify(staticData);
			if (mode !== 'manual' && changed) saved = result.staticData;
			return result;
		},
		get saved() {
			return saved;
		},
	};
}

const eventsOf = (result: Awaited<ReturnType<ReturnType<typeof scheduledWorkflow>['run']>>) =>
	jsonOf(result).filter((json) => json.event).map((json) => [json.sellerId, json.invoiceNumber]);

describe('Seller Delivery → Get Changes', () => {
	test('the first run records where each seller stands; each later failure comes once, paired to its seller', async () => {
		const workflow = scheduledWorkflow();
		const first = await workflow.run();
		expect(first.error).toBeUndefined();
		expect(jsonOf(first)).toEqual([]);
		expect(emulator().requestsTo('getSellerDeliveries').map((r) => r.params.sellerId).sort()).toEqual([...SELLERS].sort());
		expect(emulator().requestsTo('getSellerDeliveries').every((r) => r.query.status === 'FAILED')).toBe(true);
		expect(Object.keys((workflow.saved[NODE_DATA] as { sellers: object }).sellers).sort()).toEqual([...SELLERS].sort());

		const a = deliveredInvoice(SELLERS[1], 4);
		const b = deliveredInvoice(SELLERS[4], 9);
		emulator().state.setDeliveryStatus(SELLERS[1], a, 'FAILED', 'Mailbox unavailable');
		emulator().state.setDeliveryStatus(SELLERS[4], b, 'FAILED', 'Address incomplete');
		const second = await workflow.run();
		expect(eventsOf(second)).toEqual([
			[SELLERS[1], a],
			[SELLERS[4], b],
		]);
		expect(pairingOf(second)).toEqual([{ item: 1 }, { item: 4 }]);
		expect(jsonOf(second)[0]).toEqual(expect.objectContaining({ event: 'deliveryFailed', status: 'FAILED', statusMessage: 'Mailbox unavailable' }));
		expect(jsonOf(await workflow.run())).toEqual([]);
		expect(jsonOf(await workflow.run())).toEqual([]);
	});

	test('a run that stops on an unreadable seller (Stop Workflow) keeps nothing: its changes come with the next run', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run();
		const invoice = deliveredInvoice(SELLERS[2], 11);
		emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Mailbox unavailable');
		emulator().addFault({ endpoint: 'getSellerDeliveries', path: `/partner/sellers/${SELLERS[5]}/deliveries`, fault: { kind: 'status', status: 404 } });
		const stopped = await workflow.run();
		expect(stopped.error?.message).toBe(`Cash-In has nothing for seller ID "${SELLERS[5]}" [item 5]`);
		emulator().faults.clear();
		expect(eventsOf(await workflow.run())).toEqual([[SELLERS[2], invoice]]);
	});

	test('with Continue (using error output), an unreadable seller is one error item per run; the others go on', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run();
		const ok = deliveredInvoice(SELLERS[0], 13);
		const late = deliveredInvoice(SELLERS[3], 13);
		emulator().state.setDeliveryStatus(SELLERS[0], ok, 'FAILED', 'Mailbox unavailable');
		emulator().state.setDeliveryStatus(SELLERS[3], late, 'FAILED', 'Mailbox unavailable');
		emulator().addFault({ endpoint: 'getSellerDeliveries', path: `/partner/sellers/${SELLERS[3]}/deliveries`, fault: { kind: 'status', status: 404 } });
		const during = await workflow.run({ onError: 'continueErrorOutput' });
		expect(jsonOf(during, 0).map((json) => [json.sellerId, json.invoiceNumber])).toEqual([[SELLERS[0], ok]]);
		expect(jsonOf(during, 1)).toEqual([expect.objectContaining({ error: `Cash-In has nothing for seller ID "${SELLERS[3]}" [item 3]` })]);
		expect(pairingOf(during, 1)).toEqual([{ item: 3 }]);
		emulator().faults.clear();
		expect(eventsOf(await workflow.run())).toEqual([[SELLERS[3], late]]);
	});

	test('Retry On Fail with a failing first seller: the changes found are returned by the last try, not lost and not repeated', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run();
		const invoice = deliveredInvoice(SELLERS[5], 17);
		emulator().state.setDeliveryStatus(SELLERS[5], invoice, 'FAILED', 'Mailbox unavailable');
		emulator().addFault({ endpoint: 'getSellerDeliveries', path: `/partner/sellers/${SELLERS[0]}/deliveries`, fault: { kind: 'status', status: 404 } });
		emulator().requests.length = 0;
		const retried = await workflow.run({ onError: 'continueRegularOutput', retry: { maxTries: 3 } });
		// n8n ran the node 3 times (the first item is an error each time): seller 0 was asked 3 times, seller 5 once.
		expect(emulator().requestsTo('getSellerDeliveries').filter((r) => r.params.sellerId === SELLERS[0])).toHaveLength(3);
		expect(emulator().requestsTo('getSellerDeliveries').filter((r) => r.params.sellerId === SELLERS[5])).toHaveLength(1);
		expect(eventsOf(retried)).toEqual([[SELLERS[5], invoice]]);
		emulator().faults.clear();
		expect(eventsOf(await workflow.run())).toEqual([]);
	});

	test('a test run before the first production run shows samples and keeps nothing; after it, shows what is new without moving on', async () => {
		const workflow = scheduledWorkflow('deliveryFailed', SELLERS.slice(0, 2));
		const test = await workflow.run({ mode: 'manual' });
		expect(jsonOf(test).length).toBeGreaterThan(0);
		expect(jsonOf(test).every((json) => json.sample === true && json.status === 'FAILED')).toBe(true);
		expect(workflow.saved).toEqual({});
		await workflow.run();
		const invoice = deliveredInvoice(SELLERS[1], 21);
		emulator().state.setDeliveryStatus(SELLERS[1], invoice, 'FAILED', 'Mailbox unavailable');
		expect(eventsOf(await workflow.run({ mode: 'manual' }))).toEqual([[SELLERS[1], invoice]]);
		expect(eventsOf(await workflow.run())).toEqual([[SELLERS[1], invoice]]);
		expect(eventsOf(await workflow.run())).toEqual([]);
	});

	test('a run that gets none of the memory an earlier run kept (n8n 2.41 queue workers) stops and says so; nothing is read', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run();
		const invoice = deliveredInvoice(SELLERS[3], 25);
		emulator().state.setDeliveryStatus(SELLERS[3], invoice, 'FAILED', 'Mailbox unavailable');
		emulator().requests.length = 0;
		const lost = await workflow.run({ staticDataLost: true, onError: 'continueErrorOutput' });
		expect(lost.error?.message).toBe('This run did not get the memory of what earlier runs reported');
		expect((lost.error as { description?: string }).description).toContain('n8n 2.41 in queue mode does not pass a workflow');
		expect(emulator().requests).toHaveLength(0);
		// A test run from the editor keeps nothing, so it may still run: it shows samples.
		const test = await workflow.run({ staticDataLost: true, mode: 'manual' });
		expect(test.error).toBeUndefined();
		expect(jsonOf(test).every((json) => json.sample === true)).toBe(true);
		// The memory n8n does pass, next time, still has the change.
		expect(eventsOf(await workflow.run())).toEqual([[SELLERS[3], invoice]]);
	});

	test('a production run that kept no mark (every creditor unreadable) leaves no memory to miss: the next run starts afresh', async () => {
		const workflow = scheduledWorkflow('deliveryFailed', ['0000000-0']);
		const unreadable = await workflow.run({ onError: 'continueRegularOutput' });
		expect(jsonOf(unreadable).every((json) => typeof json.error === 'string')).toBe(true);
		expect(workflow.saved).toEqual({});
		const next = await workflow.run({ onError: 'continueRegularOutput' });
		expect(next.error).toBeUndefined();
	});

	test('"Delivery Status Changed" on 300 sellers × 200 deliveries: each change once, and about 50 bytes kept per seller', async () => {
		const many = Array.from({ length: 300 }, (_, i) => `c_bulk_${i}`);
		many.forEach((seller, i) => emulator().state.addDeliveries(seller, makeDeliveries(200, { today: TODAY, seed: 1000 + i, prefix: `B${i}` })));
		const workflow = scheduledWorkflow('deliveryStatusChanged', many);
		expect(jsonOf(await workflow.run())).toEqual([]);
		const changed = [7, 150, 299].map((i) => [many[i], deliveredInvoice(many[i], 3)]);
		for (const [seller, invoice] of changed) emulator().state.setDeliveryStatus(seller, invoice, 'PENDING');
		expect(eventsOf(await workflow.run())).toEqual(changed);
		expect(eventsOf(await workflow.run())).toEqual([]);
		const bytes = JSON.stringify(workflow.saved).length;
		expect(bytes).toBeLessThan(many.length * 60);
	}, 60_000);
});
