/**
 * Seller Delivery → Get Changes: for each input item (a seller, e.g. a row of the partner's sheet), the
 * deliveries that failed or changed status since the last run. The memory lives in the workflow's static
 * data under this node's ID (monitoring/memory.ts: it follows a renamed node): a mark per seller (see
 * monitoring/deliveryChanges.ts), written only when the run ends without an error, so a run that stops
 * reports its changes again next time instead of losing them.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { currentState, type DeliveryEvent, type SellerMark, type WatchState } from '../../monitoring/deliveryChanges';
import { type WatcherMemory, watcherMemory } from '../../monitoring/memory';
import { deliveryEventOptions, eventItem, readChanges, readDeliveries, readWindowDays, readWindowParameter } from '../../monitoring/watch';
import { CREDITOR_ID_HINT, readId } from '../common';
import type { Effect, PreparedItem } from '../types';

/** Deliveries shown per creditor by a test run before the first production run, so the data shape shows. */
const SAMPLES_PER_SELLER = 3;

const properties: INodeProperties[] = [
	{
		displayName: 'Creditor ID',
		name: 'sellerId',
		type: 'string',
		required: true,
		default: '={{ $json.creditorId }}',
		placeholder: 'e.g. c_8f2k1',
		hint: CREDITOR_ID_HINT,
		description: 'The Cash-In ID of the creditor to check, mapped from each input item (e.g. the creditorId column of your creditor sheet)',
	},
	{
		displayName: 'Changes',
		name: 'event',
		type: 'options',
		options: deliveryEventOptions('run'),
		default: 'deliveryFailed',
	},
	readWindowParameter,
	{
		displayName:
			'The node remembers, in this workflow, how far it has read each creditor, so each run returns only what is new since the last run and nothing twice. The first run only records where each creditor stands. Only production runs (a Schedule Trigger of a published workflow) move that memory on; a test run from the editor shows what is new without moving it, and before the first production run shows a few recent deliveries as samples. On n8n in queue mode, use the Cash-In Partner Trigger instead: n8n 2.41 gives this node no memory there, and it stops rather than miss changes.',
		name: 'changesNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['delivery'], operation: ['getChanges'] } }, properties);

export const effect: Effect = 'watch';

/** What one run of the node shares between its items: the memory, what it will keep, the creditors met. */
interface RunState {
	memory: WatcherMemory;
	next?: WatchState;
	sellers: Set<string>;
}
const runs = new WeakMap<IExecuteFunctions, RunState>();
const runOf = (ctx: IExecuteFunctions): RunState => {
	let run = runs.get(ctx);
	if (!run) runs.set(ctx, (run = { memory: watcherMemory(ctx), sellers: new Set() }));
	return run;
};

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const sellerId = readId(this, 'sellerId', itemIndex, 'Creditor ID');
	const event = this.getNodeParameter('event', itemIndex, 'deliveryFailed') as DeliveryEvent;
	const windowDays = readWindowDays(this.getNodeParameter('readWindowDays', itemIndex, undefined));
	const run = runOf(this);
	const previous = currentState(run.memory.stored, event);
	const sample = !previous && this.getMode() === 'manual';
	// The same creditor twice in the input (two rows of a sheet): read and reported once, for the first.
	const repeated = run.sellers.has(sellerId);
	run.sellers.add(sellerId);
	return {
		async send(api) {
			if (repeated) return { json: [] };
			if (sample) {
				const recent = await readDeliveries(api, sellerId, event, itemIndex, SAMPLES_PER_SELLER, windowDays);
				return { json: recent.map((delivery) => ({ ...eventItem(event, sellerId, delivery), sample: true })) };
			}
			const { changes, mark } = await readChanges(api, { sellerId, event, mark: previous?.sellers[sellerId], startAt: previous?.w, itemIndex, windowDays });
			return { json: changes.map((delivery) => eventItem(event, sellerId, delivery)), commit: () => keepMark(run, previous, event, sellerId, mark) };
		},
	};
}

/**
 * The memory must reach the run. n8n 2.41 in queue mode does not hand a workflow's static data to the worker
 * that runs a scheduled execution (its execution record keeps no static data, and the worker reloads it
 * only for resumed executions: n8n/dist/executions/execution-data/types.js, scaling/job-processor.js). Such
 * a run would take every creditor for new, report nothing, and overwrite the memory. So the first run that
 * keeps marks also records, in n8n's deduplication store (a database table every process shares), that
 * this node has a memory; a run that then finds its static data empty stops and says why, instead of
 * losing changes without a word.
 */
const MEMORY_MARKER = 'cash-in-partner:get-changes-memory';
const MARKER_OPTIONS = { mode: 'entries' as const };

/** Whether n8n's deduplication store says this node kept a memory before (undefined: no store here). */
async function hadMemory(ctx: IExecuteFunctions): Promise<boolean | undefined> {
	try {
		return (await ctx.helpers.getProcessedDataCount('node', MARKER_OPTIONS)) > 0;
	} catch {
		return undefined; // an n8n (or a test engine) without the store: nothing to compare with
	}
}

export async function beforeSending(this: IExecuteFunctions): Promise<void> {
	// A test run from the editor keeps nothing (without a memory it shows samples), so it cannot lose changes.
	if (this.getMode() === 'manual') return;
	if (Object.keys(runOf(this).memory.stored).length > 0) return;
	if ((await hadMemory(this)) !== true) return;
	throw new NodeOperationError(this.getNode(), 'This run did not get the memory of what earlier runs reported', {
		description:
			'An earlier run of this node kept its memory in the workflow, but n8n gave this run none of it — n8n 2.41 in queue mode does not pass a workflow\'s memory to the worker that runs a scheduled execution. Reporting now would take every creditor for new and miss their changes, so nothing was read. Watch these creditors with the Cash-In Partner Trigger (its memory stays on the main instance), or run this workflow on an n8n in regular mode. To start again from now instead, put a copy of this node in its place (a new node has no memory).',
	});
}

export async function afterRun(this: IExecuteFunctions): Promise<void> {
	// Only production runs move the memory on; a test run from the editor leaves it as it is.
	const run = runOf(this);
	if (this.getMode() === 'manual' || !run.next) return;
	run.memory.save(run.next as unknown as IDataObject);
	if ((await hadMemory(this)) !== false) return;
	await this.helpers.checkProcessedAndRecord([MEMORY_MARKER], 'node', MARKER_OPTIONS);
}

/** Keeps one seller's mark for this run's memory (a state for another event is started afresh). */
function keepMark(run: RunState, previous: WatchState | undefined, event: DeliveryEvent, sellerId: string, mark: SellerMark) {
	run.next ??= previous ? { ...previous, sellers: { ...previous.sellers } } : { v: 2, event, w: 0, sellers: {} };
	run.next.sellers[sellerId] = mark;
	run.next.w = Math.max(run.next.w, mark.s);
}
