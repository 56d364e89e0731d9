/**
 * Seller Delivery → Get Changes: a portfolio watched from one workflow (a Schedule Trigger and a sheet of
 * sellers). Runs are modelled as n8n runs them: the static data is saved after every production execution
 * (whatever its outcome) and never after a manual one. Counts come from the emulator and the output items.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { makeDeliveries } from '../../emulator/seed';
import { DELIVERY_QUERY } from '../../nodes/CashInPartner/contract/endpoints';
import { forgetKeptInThisProcessForTests } from '../../nodes/CashInPartner/actions/delivery/getChanges.operation';
import { memoryKey } from '../../nodes/CashInPartner/monitoring/memory';
import { deduplicator, NODE_ID } from '../../testing/engine';
import { jsonOf, pairingOf, run, TODAY, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const SELLERS = Array.from({ length: 6 }, (_, i) => `c_port_${i}`);
/** Where Get Changes keeps its memory: the workflow's static data, under the node's ID (it follows a rename). */
const memoryIn = (staticData: IDataObject) => (staticData.global as IDataObject | undefined)?.[memoryKey(NODE_ID)] as IDataObject | undefined;

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
		async run(options: { mode?: 'trigger' | 'manual'; onError?: INode['onError']; retry?: { maxTries: number }; staticDataLost?: boolean; nodeName?: string; rows?: IDataObject[] } = {}) {
			const mode = options.mode ?? 'trigger';
			const staticData = options.staticDataLost ? {} : saved;
			const items = options.rows ?? rowsOf(sellers);
			const result = await run(emulator(), { parameters: getChanges(event), items, mode, staticData, onError: options.onError, retry: options.retry, workflowId, nodeName: options.nodeName });
			// n8n saves the static data after a production run when the run wrote to it — even the same
			// value again (an empty node entry, which merely reading it creates, does not count).
			if (mode !== 'manual' && result.staticDataChanged) saved = result.staticData;
			return result;
		},
		get saved() {
			return saved;
		},
		workflowId,
	};
}

const eventsOf = (result: Awaited<ReturnType<ReturnType<typeof scheduledWorkflow>['run']>>) =>
	jsonOf(result).filter((json) => json.event).map((json) => [json.sellerId, json.invoiceNumber]);

/** A watched workflow past its first run, and a delivery of `seller` that has failed since. */
async function afterAFailure(event: string, seller: string, nth: number, message: string) {
	const workflow = scheduledWorkflow(event);
	await workflow.run();
	const invoice = deliveredInvoice(seller, nth);
	emulator().state.setDeliveryStatus(seller, invoice, 'FAILED', message);
	return { workflow, invoice };
}

describe('Seller Delivery → Get Changes', () => {
	test('the first run records where each seller stands; each later failure comes once, paired to its seller', async () => {
		const workflow = scheduledWorkflow();
		const first = await workflow.run();
		expect(first.error).toBeUndefined();
		expect(jsonOf(first)).toEqual([]);
		expect(emulator().requestsTo('getSellerDeliveries').map((r) => r.params.sellerId).sort()).toEqual([...SELLERS].sort());
		expect(emulator().requestsTo('getSellerDeliveries').every((r) => r.query.status === 'FAILED')).toBe(true);
		expect(Object.keys(memoryIn(workflow.saved)!.sellers as object).sort()).toEqual([...SELLERS].sort());

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

	test('"Delivery Status Changed" on 300 sellers × 200 deliveries: each change once, with its previous status; 9 bytes kept per delivery, flat in history', async () => {
		const many = Array.from({ length: 300 }, (_, i) => `c_bulk_${i}`);
		many.forEach((seller, i) => emulator().state.addDeliveries(seller, makeDeliveries(200, { today: TODAY, seed: 1000 + i, prefix: `B${i}` })));
		const workflow = scheduledWorkflow('deliveryStatusChanged', many);
		expect(jsonOf(await workflow.run())).toEqual([]);
		const changed = [7, 150, 299].map((i) => [many[i], deliveredInvoice(many[i], 3)]);
		for (const [seller, invoice] of changed) emulator().state.setDeliveryStatus(seller, invoice, 'PENDING');
		const second = await workflow.run();
		expect(eventsOf(second)).toEqual(changed);
		expect(jsonOf(second).map((json) => [json.previousStatus, json.status])).toEqual(changed.map(() => ['DELIVERED', 'PENDING']));
		expect(eventsOf(await workflow.run())).toEqual([]);
		const bytes = JSON.stringify(workflow.saved).length;
		expect(bytes).toBeLessThan(many.length * (200 * 9 + 30));
		// More history (more status changes) does not make it grow.
		for (const [seller, invoice] of changed) emulator().state.setDeliveryStatus(seller, invoice, 'DELIVERED');
		expect(eventsOf(await workflow.run())).toEqual(changed);
		expect(JSON.stringify(workflow.saved).length).toBe(bytes);
	}, 60_000);

	test('renamed between runs, the node keeps its memory (kept under its ID): nothing is lost, nothing repeated', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run({ nodeName: 'Failed since last run' });
		const invoice = deliveredInvoice(SELLERS[2], 6);
		emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Mailbox unavailable');
		const renamed = await workflow.run({ nodeName: 'Failed deliveries of my creditors' });
		expect(renamed.error).toBeUndefined();
		expect(eventsOf(renamed)).toEqual([[SELLERS[2], invoice]]);
		const again = await workflow.run({ nodeName: 'Renamed once more' });
		expect(again.error).toBeUndefined();
		expect(eventsOf(again)).toEqual([]);
	});

	test('a workflow saved by 0.4.0 (memory under the node\'s name) is taken over: nothing lost, nothing repeated', async () => {
		const workflow = scheduledWorkflow();
		await workflow.run();
		const invoice = deliveredInvoice(SELLERS[3], 7);
		emulator().state.setDeliveryStatus(SELLERS[3], invoice, 'FAILED', 'Mailbox unavailable');
		// What 0.4.0 stored: the same state, under `node:<name>`.
		const asSavedBy040 = { 'node:Cash-In Partner': memoryIn(workflow.saved) };
		const result = await run(emulator(), { parameters: getChanges(), items: rowsOf(SELLERS), mode: 'trigger', staticData: asSavedBy040 });
		expect(eventsOf(result)).toEqual([[SELLERS[3], invoice]]);
		expect(memoryIn(result.staticData)).toMatchObject({ v: 3, sellers: expect.any(Object) });
		expect(result.staticData['node:Cash-In Partner']).toEqual({});
	});

	test('the same creditor twice in the input (two rows of a sheet): read once, each change reported once', async () => {
		const workflow = scheduledWorkflow();
		const rows = [...rowsOf(SELLERS), ...rowsOf([SELLERS[0], SELLERS[0]])];
		await workflow.run({ rows });
		const invoice = deliveredInvoice(SELLERS[0], 8);
		emulator().state.setDeliveryStatus(SELLERS[0], invoice, 'FAILED', 'Mailbox unavailable');
		const before = emulator().requestsTo('getSellerDeliveries').length;
		const result = await workflow.run({ rows });
		expect(eventsOf(result)).toEqual([[SELLERS[0], invoice]]);
		expect(emulator().requestsTo('getSellerDeliveries').length - before).toBe(SELLERS.length);
	});

	test.each<[string, INode['onError']]>([
		['Continue', 'continueRegularOutput'],
		['Continue (using error output)', 'continueErrorOutput'],
	])('a wrong key under On Error → %s fails the run (so n8n\'s error workflow runs), not one error item per creditor', async (_mode, onError) => {
		const result = await run(emulator(), { parameters: getChanges(), items: rowsOf(SELLERS), mode: 'trigger', onError, credential: { apiKey: 'pk_wrong_key_for_this_test' }, workflowId: `wrong-key-${onError}` });
		expect(result.error?.message).toMatch(/^The Cash-In partner API key was not accepted .*\[item \d\]$/);
		expect((result.error as { description?: string }).description).toContain('No creditor could be read (6 items), so the run fails even under On Error → Continue');
		expect(memoryIn(result.staticData)).toBeUndefined();
	});

	test('Cash-In out of reach for every creditor, under Continue: the run fails too', async () => {
		const result = await run(emulator(), { parameters: getChanges(), items: rowsOf(SELLERS), mode: 'trigger', onError: 'continueRegularOutput', credential: { sandboxBaseUrl: 'http://127.0.0.1:9' }, workflowId: 'unreachable' });
		expect(result.error?.message).toMatch(/^Could not connect to Cash-In/);
	});

	test('Read Window: a delivery of a 40-day-old invoice that fails now is not seen in the default 30 days, and is reported once with 60', async () => {
		const seller = 'c_old_invoices';
		emulator().state.addDeliveries(seller, makeDeliveries(100, { today: TODAY, seed: 77, prefix: 'OLD', perDay: 2, failedShare: 0 }));
		const fortyDaysOld = emulator().state.deliveries.get(seller)!.find((d) => d.invoiceDate === new Date(Date.parse(TODAY) - 40 * 86_400_000).toISOString().slice(0, 10))!.invoiceNumber;
		const runWith = (readWindowDays: number | undefined, staticData: IDataObject, workflowId: string) =>
			run(emulator(), { parameters: { ...getChanges(), ...(readWindowDays ? { readWindowDays } : {}) }, items: rowsOf([seller]), mode: 'trigger', staticData, workflowId });
		const defaultFirst = await runWith(undefined, {}, 'window-30');
		const wideFirst = await runWith(60, {}, 'window-60');
		emulator().state.setDeliveryStatus(seller, fortyDaysOld, 'FAILED', 'Returned to sender');
		expect(eventsOf(await runWith(undefined, defaultFirst.staticData, 'window-30'))).toEqual([]);
		const wide = await runWith(60, wideFirst.staticData, 'window-60');
		expect(eventsOf(wide)).toEqual([[seller, fortyDaysOld]]);
		expect(eventsOf(await runWith(60, wide.staticData, 'window-60'))).toEqual([]);
		const asked = emulator().requestsTo('getSellerDeliveries').filter((r) => r.params.sellerId === seller);
		expect(asked.filter((r) => r.query[DELIVERY_QUERY.fromDate]).length).toBeGreaterThan(0);
	});

	describe('never trusting Cash-In\'s clock', () => {
		const stampedBefore = (ms: number) => new Date(Date.parse(emulator().state.now()) - ms).toISOString();

		test.each([
			['2 seconds', 2_000],
			['5 hours', 5 * 3_600_000],
			['3 days', 3 * 86_400_000],
		])('a failure stamped %s before the newest one already reported is reported, once', async (_label, earlier) => {
			const workflow = scheduledWorkflow();
			await workflow.run();
			const first = deliveredInvoice(SELLERS[1], 11);
			emulator().state.setDeliveryStatus(SELLERS[1], first, 'FAILED', 'Mailbox unavailable');
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[1], first]]);
			const late = deliveredInvoice(SELLERS[1], 12);
			emulator().state.setDeliveryStatus(SELLERS[1], late, 'FAILED', 'Returned to sender', stampedBefore(earlier));
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[1], late]]);
			expect(eventsOf(await workflow.run())).toEqual([]);
			// Reset for the next case: the same invoices are used.
			for (const invoice of [first, late]) emulator().state.setDeliveryStatus(SELLERS[1], invoice, 'DELIVERED');
		});

		test('two changes in the same second (the same updatedAt) are both reported, once each', async () => {
			const workflow = scheduledWorkflow('deliveryStatusChanged');
			await workflow.run();
			const at = emulator().state.now();
			const [a, b] = [deliveredInvoice(SELLERS[4], 15), deliveredInvoice(SELLERS[4], 16)];
			emulator().state.setDeliveryStatus(SELLERS[4], a, 'PENDING', null, at);
			const firstRun = await workflow.run();
			emulator().state.setDeliveryStatus(SELLERS[4], b, 'PENDING', null, at);
			const secondRun = await workflow.run();
			expect([...eventsOf(firstRun), ...eventsOf(secondRun)]).toEqual([
				[SELLERS[4], a],
				[SELLERS[4], b],
			]);
		});

		test('Delivery Failed: a re-stamp of a failed delivery (a new message, still FAILED) is no event; failing again after it was seen delivered is one', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[2], 17, 'Mailbox full');
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[2], invoice]]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Mailbox still full');
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'DELIVERED');
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Returned');
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[2], invoice]]);
		});

		test('Delivery Status Changed: a re-stamp with the same status is no event; a change says what the status was', async () => {
			const workflow = scheduledWorkflow('deliveryStatusChanged');
			await workflow.run();
			const invoice = deliveredInvoice(SELLERS[5], 18);
			emulator().state.setDeliveryStatus(SELLERS[5], invoice, 'DELIVERED', 'Delivered again (new stamp)');
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[5], invoice, 'FAILED', 'Bounced');
			const changed = await workflow.run();
			expect(jsonOf(changed).map((json) => [json.invoiceNumber, json.previousStatus, json.status])).toEqual([[invoice, 'DELIVERED', 'FAILED']]);
		});
	});

	describe('overlapping runs (the next schedule fires while the last run is still reading)', () => {
		test('two runs at once from the same memory: each change is reported by one of them, once', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[0], 19, 'Mailbox unavailable');
			emulator().latencyMs = 40;
			try {
				const [a, b] = await Promise.all([workflow.run(), workflow.run()]);
				expect([...eventsOf(a), ...eventsOf(b)]).toEqual([[SELLERS[0], invoice]]);
			} finally {
				emulator().latencyMs = 0;
			}
			expect(eventsOf(await workflow.run())).toEqual([]);
		});

		const sellerPath = (seller: string) => `/partner/sellers/${seller}/deliveries`;
		const readsOf = (seller: string) => emulator().requestsTo('getSellerDeliveries').filter((r) => r.path.endsWith(sellerPath(seller)));
		/** Starts run A (slow on one creditor), then run B while A is still reading; both results. */
		async function oneWhileTheOtherReads(workflow: ReturnType<typeof scheduledWorkflow>, options: { retry?: { maxTries: number } } = {}) {
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: sellerPath(SELLERS[5]), times: 1, fault: { kind: 'latency', ms: 600 } });
			const before = readsOf(SELLERS[5]).length;
			const a = workflow.run(options);
			while (readsOf(SELLERS[5]).length === before) await new Promise((resolve) => setTimeout(resolve, 5));
			const b = workflow.run();
			return [await a, await b];
		}

		test('a run that fires while the last is still reading waits for it, and starts from what it kept: a change comes once, a same-status re-stamp is no event, the next status has the right previousStatus', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryStatusChanged', SELLERS[2], 21, 'Bounced');
			const [a, b] = await oneWhileTheOtherReads(workflow);
			const changed = (result: typeof a) => jsonOf(result).filter((json) => json.invoiceNumber === invoice).map((json) => [json.previousStatus, json.status]);
			expect([...changed(a), ...changed(b)]).toEqual([['DELIVERED', 'FAILED']]);
			// B's reads came after A's last answer: the runs did not overlap.
			const slowRead = readsOf(SELLERS[5]).at(-2)!;
			expect(readsOf(SELLERS[0]).at(-1)!.receivedAt).toBeGreaterThanOrEqual(slowRead.answeredAt!);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Bounced (stamped again)');
			expect(changed(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'OPENED');
			expect(changed(await workflow.run())).toEqual([['FAILED', 'OPENED']]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'DELIVERED');
		});

		test('the very first run is slow and the next fires meanwhile: the next waits, starts from what the first kept, and reports a failure in between', async () => {
			const workflow = scheduledWorkflow();
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: sellerPath(SELLERS[5]), times: 1, fault: { kind: 'latency', ms: 600 } });
			const before = readsOf(SELLERS[5]).length;
			const first = workflow.run();
			while (readsOf(SELLERS[5]).length === before) await new Promise((resolve) => setTimeout(resolve, 5));
			// n8n gave the next run the static data of before the first run: none.
			const next = workflow.run();
			const invoice = deliveredInvoice(SELLERS[2], 31);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'FAILED', 'Mailbox unavailable');
			expect(eventsOf(await first)).toEqual([]);
			const second = await next;
			expect(second.error).toBeUndefined();
			expect(eventsOf(second)).toEqual([[SELLERS[2], invoice]]);
			emulator().state.setDeliveryStatus(SELLERS[2], invoice, 'DELIVERED');
		});

		test('Retry On Fail in one run while the next fires: the change comes once', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[1], 13, 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: sellerPath(SELLERS[4]), times: 1, fault: { kind: 'status', status: 404 } });
			const [a, b] = await oneWhileTheOtherReads(workflow, { retry: { maxTries: 3 } });
			expect(a.error).toBeUndefined();
			expect([...eventsOf(a), ...eventsOf(b)]).toEqual([[SELLERS[1], invoice]]);
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[1], invoice, 'DELIVERED');
		});

		test('the memory n8n brings back is older than what was reported (an execution that ended later saved last, then n8n restarted): the change is not reported again, even re-stamped with the same status... only once it is new', async () => {
			const workflow = scheduledWorkflow();
			await workflow.run();
			const older = workflow.saved;
			const invoice = deliveredInvoice(SELLERS[3], 17);
			emulator().state.setDeliveryStatus(SELLERS[3], invoice, 'FAILED', 'Mailbox unavailable');
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[3], invoice]]);
			forgetKeptInThisProcessForTests();
			const stale = await run(emulator(), { parameters: getChanges(), items: rowsOf(SELLERS), mode: 'trigger', staticData: older, workflowId: workflow.workflowId });
			expect(eventsOf(stale)).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[3], invoice, 'FAILED', 'Mailbox unavailable (stamped again)');
			forgetKeptInThisProcessForTests();
			expect(eventsOf(await run(emulator(), { parameters: getChanges(), items: rowsOf(SELLERS), mode: 'trigger', staticData: stale.staticData, workflowId: workflow.workflowId }))).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[3], invoice, 'DELIVERED');
		});

		test('n8n\'s deduplication table failing at the end of a run: the run still succeeds with its changes, and nothing is repeated', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[0], 23, 'Mailbox unavailable');
			const write = deduplicator.checkProcessedAndRecord.bind(deduplicator);
			let calls = 0;
			// The claim goes through; every write after it fails (3 tries each).
			deduplicator.checkProcessedAndRecord = async (...args) => {
				if (++calls > 1) throw new Error('SQLITE_BUSY: database is locked');
				return await write(...args);
			};
			let reported;
			try {
				reported = await workflow.run();
			} finally {
				deduplicator.checkProcessedAndRecord = write;
			}
			expect(reported.error).toBeUndefined();
			expect(eventsOf(reported)).toEqual([[SELLERS[0], invoice]]);
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[0], invoice, 'DELIVERED');
		});

		test('a run that stops while n8n\'s table cannot release its claims: its own error is shown, and the next run reports the change', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[0], 27, 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: sellerPath(SELLERS[2]), times: 1, fault: { kind: 'status', status: 404 } });
			const release = deduplicator.removeProcessed.bind(deduplicator);
			deduplicator.removeProcessed = async () => {
				throw new Error('SQLITE_BUSY: database is locked');
			};
			let stopped;
			try {
				stopped = await workflow.run();
			} finally {
				deduplicator.removeProcessed = release;
			}
			expect(stopped.error?.message).toMatch(/^Cash-In has nothing for seller ID/);
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[0], invoice]]);
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus(SELLERS[0], invoice, 'DELIVERED');
		});

		test('a run that stops (Stop Workflow, a creditor unreadable) releases what it claimed: the next run reports it', async () => {
			const { workflow, invoice } = await afterAFailure('deliveryFailed', SELLERS[1], 19, 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: `/partner/sellers/${SELLERS[4]}/deliveries`, times: 1, fault: { kind: 'status', status: 404 } });
			const stopped = await workflow.run();
			expect(stopped.error?.message).toMatch(/^Cash-In has nothing for seller ID/);
			expect(eventsOf(await workflow.run())).toEqual([[SELLERS[1], invoice]]);
			emulator().state.setDeliveryStatus(SELLERS[1], invoice, 'DELIVERED');
		});
	});

	describe('found by review', () => {
		const fresh = (seller: string, count: number, perDay = 4, failedShare = 0.05) => emulator().state.addDeliveries(seller, makeDeliveries(count, { today: TODAY, seed: seller.length * 31 + count, prefix: seller.toUpperCase(), perDay, failedShare }));
		const chain = (event = 'deliveryFailed') => {
			let saved: IDataObject = {};
			const workflowId = `review-${++workflows}`;
			return async (rows: IDataObject[], parameters: IDataObject = {}, options: { onError?: INode['onError']; retry?: { maxTries: number }; credential?: { apiKey: string } } = {}) => {
				const result = await run(emulator(), { parameters: { ...getChanges(event), ...parameters }, items: rows, mode: 'trigger', staticData: saved, workflowId, ...options });
				if (!result.error) saved = result.staticData;
				return result;
			};
		};

		test('Retry On Fail gives back a try\'s statuses outside the contract: the next run finds nothing changed, and previous statuses stay right', async () => {
			fresh('c_rv_q1', 40, 4, 0);
			fresh('c_rv_q0', 40, 4, 0);
			const workflow = scheduledWorkflow('deliveryStatusChanged', ['c_rv_q1', 'c_rv_q0']);
			await workflow.run();
			const [x, y] = [deliveredInvoice('c_rv_q1', 3), deliveredInvoice('c_rv_q0', 3)];
			emulator().state.setDeliveryStatus('c_rv_q1', x, 'QUEUED');
			emulator().state.setDeliveryStatus('c_rv_q0', y, 'RETURNED');
			// Try 1 reads c_rv_q1 (QUEUED gets the first code past the contract's), then c_rv_q0 answers 404.
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_q0/deliveries', times: 1, fault: { kind: 'status', status: 404 } });
			const retried = await workflow.run({ retry: { maxTries: 3 } });
			expect(retried.error).toBeUndefined();
			expect(jsonOf(retried).map((json) => [json.invoiceNumber, json.previousStatus, json.status])).toEqual([
				[x, 'DELIVERED', 'QUEUED'],
				[y, 'DELIVERED', 'RETURNED'],
			]);
			expect(eventsOf(await workflow.run())).toEqual([]);
			emulator().state.setDeliveryStatus('c_rv_q1', x, 'DELIVERED');
			expect(jsonOf(await workflow.run()).map((json) => [json.invoiceNumber, json.previousStatus, json.status])).toEqual([[x, 'QUEUED', 'DELIVERED']]);
		});

		test('a change given back by a Retry On Fail try is marked reported too: older memory after a restart does not report it again', async () => {
			fresh('c_rv_m1', 40);
			fresh('c_rv_m0', 40);
			const workflow = scheduledWorkflow('deliveryFailed', ['c_rv_m1', 'c_rv_m0']);
			await workflow.run();
			const older = workflow.saved;
			const invoice = deliveredInvoice('c_rv_m1', 3);
			emulator().state.setDeliveryStatus('c_rv_m1', invoice, 'FAILED', 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_m0/deliveries', times: 1, fault: { kind: 'status', status: 404 } });
			const retried = await workflow.run({ retry: { maxTries: 3 } });
			expect(eventsOf(retried)).toEqual([['c_rv_m1', invoice]]);
			forgetKeptInThisProcessForTests();
			expect(eventsOf(await run(emulator(), { parameters: getChanges(), items: rowsOf(['c_rv_m1', 'c_rv_m0']), mode: 'trigger', staticData: older, workflowId: workflow.workflowId }))).toEqual([]);
		});

		test('the same creditor twice and Retry On Fail under Stop Workflow (the first row given back by the next try): the change comes once', async () => {
			fresh('c_rv_dx', 40);
			fresh('c_rv_dy', 40);
			const rows = rowsOf(['c_rv_dx', 'c_rv_dy', 'c_rv_dx']);
			const oneAtATime = { options: { parallelRequests: 1 } };
			const next = chain();
			await next(rows, oneAtATime);
			const invoice = deliveredInvoice('c_rv_dx', 3);
			emulator().state.setDeliveryStatus('c_rv_dx', invoice, 'FAILED', 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_dy/deliveries', times: 1, fault: { kind: 'status', status: 404 } });
			const retried = await next(rows, oneAtATime, { retry: { maxTries: 3 } });
			expect(retried.error).toBeUndefined();
			expect(eventsOf(retried)).toEqual([['c_rv_dx', invoice]]);
		});

		test('a wrong key under Continue fails the run even when a row of the sheet has no creditor ID (that row was never read)', async () => {
			const result = await run(emulator(), { parameters: getChanges(), items: [{ sellerId: SELLERS[0] }, { sellerId: SELLERS[1] }, { sellerId: '' }], mode: 'trigger', onError: 'continueRegularOutput', credential: { apiKey: 'pk_wrong_review_key' } });
			expect(result.error?.message).toMatch(/^The Cash-In partner API key was not accepted/);
			expect((result.error as { description?: string }).description).toContain('No creditor could be read (2 items)');
		});

		test('raising Read Window: a failure that lands between the run\'s two reads is reported, not recorded as seen', async () => {
			fresh('c_rv_between', 80, 4, 0);
			const next = chain();
			await next(rowsOf(['c_rv_between']));
			const invoice = deliveredInvoice('c_rv_between', 1);
			const reads = () => emulator().requestsTo('getSellerDeliveries').filter((r) => r.path.endsWith('/c_rv_between/deliveries')).length;
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_between/deliveries', times: 2, fault: { kind: 'latency', ms: 300 } });
			const before = reads();
			const raised = next(rowsOf(['c_rv_between']), { readWindowDays: 60 });
			while (reads() < before + 2) await new Promise((resolve) => setTimeout(resolve, 5));
			// Both reads arrived; the failure lands before either is answered... and between them in time.
			emulator().state.setDeliveryStatus('c_rv_between', invoice, 'FAILED', 'Mailbox unavailable');
			const first = await raised;
			const second = await next(rowsOf(['c_rv_between']), { readWindowDays: 60 });
			expect([...eventsOf(first), ...eventsOf(second)]).toEqual([['c_rv_between', invoice]]);
		});

		test('"Changes" from an expression that differs between items: the run stops before any read, naming the item', async () => {
			emulator().requests.length = 0;
			const result = await run(emulator(), { parameters: { ...getChanges(), event: '={{ $json.kind }}' }, items: [{ sellerId: SELLERS[0], kind: 'deliveryFailed' }, { sellerId: SELLERS[1], kind: 'deliveryStatusChanged' }], mode: 'trigger' });
			expect(result.error?.message).toMatch(/"Changes" must be the same for every item.*\[item 1\]/);
			expect(emulator().requests).toHaveLength(0);
		});

		test('raising Read Window: a failure of a recent invoice in that same interval is reported; the older failures now visible are not', async () => {
			fresh('c_rv_win', 120, 2);
			const next = chain();
			await next(rowsOf(['c_rv_win']));
			const recent = deliveredInvoice('c_rv_win', 2);
			emulator().state.setDeliveryStatus('c_rv_win', recent, 'FAILED', 'Mailbox unavailable');
			expect(eventsOf(await next(rowsOf(['c_rv_win']), { readWindowDays: 60 }))).toEqual([['c_rv_win', recent]]);
			expect(eventsOf(await next(rowsOf(['c_rv_win']), { readWindowDays: 60 }))).toEqual([]);
		});

		test('a Read Window per row (an expression): each creditor keeps its own, none is silenced', async () => {
			fresh('c_rv_a', 60);
			fresh('c_rv_b', 60);
			const next = chain();
			const rows = [{ sellerId: 'c_rv_a', days: 30 }, { sellerId: 'c_rv_b', days: 60 }];
			const perRow = { readWindowDays: '={{ $json.days }}' };
			await next(rows, perRow);
			const failure = deliveredInvoice('c_rv_b', 1);
			emulator().state.setDeliveryStatus('c_rv_b', failure, 'FAILED', 'Mailbox unavailable');
			expect(eventsOf(await next(rows, perRow))).toEqual([['c_rv_b', failure]]);
		});

		test('Retry On Fail under Stop Workflow (a creditor unreadable once): the change comes once, and not again in the next run', async () => {
			fresh('c_rv_r0', 40);
			fresh('c_rv_r1', 40);
			const rows = rowsOf(['c_rv_r0', 'c_rv_r1']);
			const next = chain();
			await next(rows);
			const failure = deliveredInvoice('c_rv_r1', 4);
			emulator().state.setDeliveryStatus('c_rv_r1', failure, 'FAILED', 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_r0/deliveries', times: 1, fault: { kind: 'status', status: 404 } });
			const retried = await next(rows, {}, { retry: { maxTries: 3 } });
			expect(retried.error).toBeUndefined();
			expect(eventsOf(retried)).toEqual([['c_rv_r1', failure]]);
			expect(eventsOf(await next(rows))).toEqual([]);
		});

		test('statuses outside the contract are told apart and told back (QUEUED → OPENED; RETURNED → DELIVERED)', async () => {
			fresh('c_rv_s', 40, 4, 0);
			const next = chain('deliveryStatusChanged');
			await next(rowsOf(['c_rv_s']));
			const invoice = deliveredInvoice('c_rv_s', 5);
			const statuses = ['QUEUED', 'OPENED', 'RETURNED', 'DELIVERED'];
			const seen: unknown[] = [];
			for (const status of statuses) {
				emulator().state.setDeliveryStatus('c_rv_s', invoice, status);
				seen.push(...jsonOf(await next(rowsOf(['c_rv_s']))).map((json) => [json.previousStatus, json.status]));
			}
			expect(seen).toEqual([
				['DELIVERED', 'QUEUED'],
				['QUEUED', 'OPENED'],
				['OPENED', 'RETURNED'],
				['RETURNED', 'DELIVERED'],
			]);
		});

		test('0.4.0\'s memory taken over while one creditor cannot be read (Continue): that creditor keeps its mark, and its change comes later', async () => {
			fresh('c_rv_t0', 40);
			fresh('c_rv_t1', 40);
			const rows = rowsOf(['c_rv_t0', 'c_rv_t1']);
			// What 0.4.0 kept: the newest updatedAt of a failure, and the failures updated at exactly that moment.
			const mark = (seller: string) => {
				const failed = emulator().state.deliveries.get(seller)!.filter((d) => d.status === 'FAILED');
				const s = Math.max(...failed.map((d) => Date.parse(d.updatedAt!)));
				return { s, k: failed.filter((d) => Date.parse(d.updatedAt!) === s).map((d) => `${d.invoiceNumber}|${d.channel ?? ''}`) };
			};
			const v2 = { [memoryKey(NODE_ID)]: { v: 2, event: 'deliveryFailed', w: 0, sellers: { c_rv_t0: mark('c_rv_t0'), c_rv_t1: mark('c_rv_t1') } } };
			const failure = deliveredInvoice('c_rv_t1', 6);
			emulator().state.setDeliveryStatus('c_rv_t1', failure, 'FAILED', 'Mailbox unavailable');
			emulator().addFault({ endpoint: 'getSellerDeliveries', path: '/partner/sellers/c_rv_t1/deliveries', times: 1, fault: { kind: 'status', status: 404 } });
			const workflowId = `review-takeover-${++workflows}`;
			const first = await run(emulator(), { parameters: getChanges(), items: rows, mode: 'trigger', staticData: { global: v2 }, workflowId, onError: 'continueRegularOutput' });
			const second = await run(emulator(), { parameters: getChanges(), items: rows, mode: 'trigger', staticData: first.staticData, workflowId });
			expect(eventsOf(second)).toEqual([['c_rv_t1', failure]]);
		});

		test('a page smaller than asked for (Cash-In paging differently): an error for that creditor, not a silently shorter memory', async () => {
			fresh('c_rv_p', 300, 12, 0.5);
			emulator().drifts.push({ kind: 'maxPageSize', value: 50 });
			const result = await run(emulator(), { parameters: getChanges(), items: rowsOf(['c_rv_p']), mode: 'trigger', onError: 'continueRegularOutput' });
			expect(String(jsonOf(result)[0].error)).toMatch(/Cash-In counts \d+ deliveries for seller ID "c_rv_p" but its page 1 held 50/);
		});

		test('a wrong key under Continue fails the run even with the same creditor twice in the input', async () => {
			const result = await run(emulator(), { parameters: getChanges(), items: rowsOf([SELLERS[0], SELLERS[0]]), mode: 'trigger', onError: 'continueRegularOutput', credential: { apiKey: 'pk_wrong_key_review' } });
			expect(result.error?.message).toMatch(/^The Cash-In partner API key was not accepted/);
		});
	});
});
