/**
 * How long Skip Items Sent Before remembers, with n8n's deduplication store as it behaves (every lookup
 * records, oldest dropped first): time is moved by hand here, which an engine run cannot do.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { CLAIM_CHUNK, sentMemoryOf, type SentBeforeSettings } from '../../nodes/CashInPartner/actions/sentBefore';
import { MemoryDeduplicator } from '../../testing/engine';

const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 11, 7); // Monday 7 December 2026, 00:00 UTC

function nodeContext(store: MemoryDeduplicator, workflowId = 'wf-1'): IExecuteFunctions {
	const context = { workflow: { id: workflowId }, node: { id: 'node-1' } } as never;
	return {
		getWorkflow: () => ({ id: workflowId }),
		getNode: () => ({ id: 'node-1', name: 'Send' }),
		helpers: {
			checkProcessedAndRecord: (items: string[], scope: 'node', options: never) => store.checkProcessedAndRecord(items, scope, context, options),
			removeProcessed: (items: string[], scope: 'node') => store.removeProcessed(items, scope, context),
		},
	} as unknown as IExecuteFunctions;
}

/** One execution at `at`: claims the identities and keeps what it did not find sent before. */
async function execution(store: MemoryDeduplicator, at: number, identities: string[], settings: SentBeforeSettings = { weeks: 1, custom: false }) {
	const memory = sentMemoryOf(nodeContext(store), settings, identities.map((identity, itemIndex) => ({ itemIndex, identity })), () => at)!;
	const outcomes = [];
	for (let i = 0; i < identities.length; i++) outcomes.push((await memory.sentBefore(i)) ? 'skipped' : 'sent');
	await memory.settle(outcomes.flatMap((outcome, i) => (outcome === 'sent' ? [i] : [])));
	return outcomes;
}

test.each([0, 1, 3, 6])('sent on day %i of a calendar week: skipped at least 7 days, until the following week ends; sent again after', async (day) => {
	const store = new MemoryDeduplicator();
	const sentAt = MONDAY + day * DAY + 3_600_000;
	expect(await execution(store, sentAt, ['a'])).toEqual(['sent']);
	for (const later of [1, 3, 6.9]) expect(await execution(store, sentAt + later * DAY, ['a'])).toEqual(['skipped']);
	// Day 14 from the week's Monday is past the next week: free again.
	expect(await execution(store, MONDAY + 14 * DAY, ['a'])).toEqual(['sent']);
});

test('meeting the same item every day does not stretch its memory: it is sent again in the second week after', async () => {
	const store = new MemoryDeduplicator();
	expect(await execution(store, MONDAY, ['a'])).toEqual(['sent']);
	const outcomes: string[] = [];
	for (let day = 1; day <= 14; day++) outcomes.push((await execution(store, MONDAY + day * DAY, ['a']))[0]);
	// Skipped through the end of the next week (day 13), sent on day 14, not before.
	expect(outcomes.indexOf('sent')).toBe(13);
});

test('changing Remember For keeps what was remembered: 4 weeks reaches back past what 1 week would', async () => {
	const store = new MemoryDeduplicator();
	await execution(store, MONDAY, ['a']);
	expect(await execution(store, MONDAY + 20 * DAY, ['a'], { weeks: 4, custom: false })).toEqual(['skipped']);
	expect(await execution(store, MONDAY + 35 * DAY, ['a'], { weeks: 4, custom: false })).toEqual(['sent']);
});

test('released items are forgotten; kept items are recorded again if another process overwrote the row', async () => {
	const store = new MemoryDeduplicator();
	const memory = sentMemoryOf(nodeContext(store), { weeks: 1, custom: false }, [{ itemIndex: 0, identity: 'kept' }, { itemIndex: 1, identity: 'refused' }], () => MONDAY)!;
	await memory.sentBefore(0);
	await memory.sentBefore(1);
	// Another worker wrote the row back from what it had read before this claim: the claim is lost.
	await store.clearAllProcessedItems('node', { workflow: { id: 'wf-1' }, node: { id: 'node-1' } } as never);
	await memory.settle([0]);
	expect(await execution(store, MONDAY + DAY, ['kept', 'refused'])).toEqual(['skipped', 'sent']);
});

test('a new item costs (weeks + 1) keys in the store; a skipped one costs none', async () => {
	const store = new MemoryDeduplicator();
	const count = () => store.getProcessedDataCount('node', { workflow: { id: 'wf-1' }, node: { id: 'node-1' } } as never);
	await execution(store, MONDAY, ['a', 'b']);
	expect(await count()).toBe(4);
	await execution(store, MONDAY + 8 * DAY, ['a', 'b']);
	expect(await count()).toBe(4);
});

test(`items are claimed ${CLAIM_CHUNK} at a time as the run reaches them: a run that stops early leaves the rest unclaimed`, async () => {
	const store = new MemoryDeduplicator();
	const identities = Array.from({ length: CLAIM_CHUNK * 2 + 10 }, (_, i) => `item-${i}`);
	const memory = sentMemoryOf(nodeContext(store), { weeks: 1, custom: false }, identities.map((identity, itemIndex) => ({ itemIndex, identity })), () => MONDAY)!;
	const count = () => store.getProcessedDataCount('node', { workflow: { id: 'wf-1' }, node: { id: 'node-1' } } as never);
	expect(await memory.sentBefore(0)).toBe(false);
	expect(await count()).toBe(CLAIM_CHUNK * 2);
	expect(await memory.sentBefore(CLAIM_CHUNK)).toBe(false);
	expect(await count()).toBe(CLAIM_CHUNK * 4);
	// Only items 0 and CLAIM_CHUNK were sent: the other claimed ones are released.
	await memory.settle([0, CLAIM_CHUNK]);
	expect(await count()).toBe(4); // the two sent items, (weeks + 1) keys each
	expect(await execution(store, MONDAY + 60_000, identities)).toEqual(identities.map((_, i) => (i === 0 || i === CLAIM_CHUNK ? 'skipped' : 'sent')));
});

test('a run that crosses Monday midnight: an item claimed on Sunday and sent on Monday is remembered 7 days from Monday', async () => {
	const store = new MemoryDeduplicator();
	let now = MONDAY - 10 * 60_000; // Sunday 23:50
	const memory = sentMemoryOf(nodeContext(store), { weeks: 1, custom: false }, [{ itemIndex: 0, identity: 'x' }], () => now)!;
	expect(await memory.sentBefore(0)).toBe(false);
	now = MONDAY + 10 * 60_000; // Cash-In carries it out, and the run ends, on Monday 00:10
	await memory.settle([0]);
	expect(await execution(store, MONDAY + 7 * DAY + 5 * 60_000, ['x'])).toEqual(['skipped']);
	expect(await execution(store, MONDAY + 14 * DAY, ['x'])).toEqual(['sent']);
});

test("two workers creating the node's row at once: the insert that loses fails, having written nothing; the claim is tried again and holds", async () => {
	const store = new MemoryDeduplicator();
	const ctx = nodeContext(store);
	const record = ctx.helpers.checkProcessedAndRecord.bind(ctx.helpers);
	let calls = 0;
	ctx.helpers.checkProcessedAndRecord = async (...args: Parameters<typeof record>) => {
		if (++calls === 1) throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
		return await record(...args);
	};
	const memory = sentMemoryOf(ctx, { weeks: 1, custom: false }, [{ itemIndex: 0, identity: 'x' }], () => MONDAY)!;
	expect(await memory.sentBefore(0)).toBe(false);
	await memory.settle([0]);
	expect(calls).toBe(3); // the failed insert, the claim, the final write
	expect(await execution(store, MONDAY + DAY, ['x'])).toEqual(['skipped']);
});
