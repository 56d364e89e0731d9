/**
 * Invoice Delivery → Get Changes (resource `delivery`): for each input item (a creditor, e.g. a row of the
 * partner's sheet), the deliveries that failed or changed status since the last run. The memory lives in
 * the workflow's static data under this node's ID (monitoring/memory.ts: it follows a renamed node): each
 * creditor's delivery states (monitoring/deliveryStates.ts), moved on only when the node's run ends without
 * an error, so a run that stops reports its changes again next time instead of losing them.
 *
 * Runs of one node in one n8n run one after another (`runsAloneIn`), each from the memory the last one
 * kept: n8n starts a scheduled execution whether or not the last one has ended, and gives each the static
 * data saved when it started — and saves each one's when it ends, so the last to end wins.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { currentState, type DeliveryEvent, legacySnapshots, type WatchState } from '../../monitoring/deliveryChanges';
import { currentStates, type DeliveryChange, type DeliveryStates, markMemory, parseMemory, StatusCodes, statesMemory } from '../../monitoring/deliveryStates';
import { serialised, storeCall } from '../../serialised';
import { type WatcherMemory, watcherMemory } from '../../monitoring/memory';
import { deliveryEventOptions, eventItem, readChanges, readDeliveries, readWindowDays, readWindowParameter } from '../../monitoring/watch';
import { CREDITOR_ID_HINT, readId } from '../common';
import { arrivalOf, nextMoment } from '../turns';
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
	/** What the last run kept: the static data n8n gave this execution, or newer, kept by a run of this n8n since. */
	stored: IDataObject;
	codes: StatusCodes;
	next?: DeliveryStates;
	/** Each creditor's read, shared by the rows that name it (the same creditor twice in the input). */
	reads: Map<string, Promise<unknown>>;
	/** Each creditor's first row: the one that reports it (a Retry On Fail try may give its result back unread). */
	firstRows: Map<string, number>;
	/** Change keys this run claimed in n8n's deduplication table: released if the run fails. */
	claimed: string[];
	/**
	 * Change keys of what this run's output reports, claimed and marked reported when it ends well — also
	 * those a Retry On Fail try gives back from an earlier try, whose claims that try's failure released.
	 */
	reported: string[];
}
const runs = new WeakMap<IExecuteFunctions, RunState>();
const runOf = (ctx: IExecuteFunctions, event?: DeliveryEvent): RunState => {
	let run = runs.get(ctx);
	if (!run) {
		const memory = watcherMemory(ctx);
		const stored = newer(keptInThisProcess.get(storeQueue(ctx)), memory.stored, arrivalOf(ctx));
		const previous = event ? currentStates(stored, event) : undefined;
		runs.set(ctx, (run = { memory, stored, codes: new StatusCodes([...(previous?.u ?? [])]), reads: new Map(), firstRows: new Map(), claimed: [], reported: [] }));
	}
	return run;
};

/**
 * What each node's last production run in this n8n kept, and when. An execution gets the static data saved
 * when it started: a run that waited for the one before it would otherwise start from the memory before
 * that one. What was kept after this run arrived is newer than what n8n gave it, whatever that was; what
 * was kept before only freshens a memory n8n gave — a run given none that did not wait (a queue-mode
 * worker) still stops (`beforeSending`).
 */
const keptInThisProcess = new Map<string, { state: IDataObject; at: number }>();
const generation = (state: IDataObject | undefined) => (typeof state?.g === 'number' ? state.g : -1);
function newer(kept: { state: IDataObject; at: number } | undefined, given: IDataObject, arrived: number | undefined): IDataObject {
	if (!kept) return given;
	if (arrived !== undefined && kept.at > arrived) return kept.state;
	return Object.keys(given).length > 0 && generation(kept.state) > generation(given) ? kept.state : given;
}

/** n8n restarting, for tests: what runs of this process kept is gone; static data is all there is. */
export const forgetKeptInThisProcessForTests = () => keptInThisProcess.clear();

/** Runs of one node wait for each other in this n8n (test runs from the editor, which keep nothing, do not). */
export function runsAloneIn(this: IExecuteFunctions): string | undefined {
	return this.getMode() === 'manual' || !this.getWorkflow().id ? undefined : `run:${storeQueue(this)}`;
}

/**
 * Runs of one node never overlap in one n8n (`runsAloneIn`), but the memory they keep can still be older than
 * what was reported: n8n saves an execution's static data when the whole execution ends, so one that ends
 * later (slow nodes after this one) can overwrite a newer memory, which a restart then brings back. So each
 * change is also claimed in n8n's deduplication table (this node's row) before it is reported, and marked
 * reported when the run ends well. A change met again that is marked reported is remembered without being
 * reported. One claimed but not marked reported was left by a run that did not end (stopped, cancelled,
 * crashed, or whose release failed): runs of this node take their turns, so none is still going, and the
 * change is reported now — once more rather than never.
 */
const CLAIM_OPTIONS = { mode: 'entries' as const, maxEntries: 50_000 };
const CLAIMED = 'cashin/change/v1/';
const REPORTED = 'cashin/change/v1/reported/';
const claimKey = (sellerId: string, change: DeliveryChange) => `${CLAIMED}${sellerId}|${change.key}`;
const reportedKey = (claim: string) => REPORTED + claim.slice(CLAIMED.length);
const storeQueue = (ctx: IExecuteFunctions) => `${ctx.getWorkflow().id}/${ctx.getNode().id}`;

/** A creditor's changes to report now: those no run has reported (see above). */
async function notReportedBefore(ctx: IExecuteFunctions, run: RunState, sellerId: string, changes: DeliveryChange[]): Promise<DeliveryChange[]> {
	if (!changes.length || ctx.getMode() === 'manual' || !ctx.getWorkflow().id || typeof ctx.helpers.checkProcessedAndRecord !== 'function') return changes;
	const node = ctx.getNode();
	const keys = changes.map((change) => claimKey(sellerId, change));
	return await serialised(storeQueue(ctx), async () => {
		const checked = await storeCall(node, () => ctx.helpers.checkProcessedAndRecord(keys, 'node', CLAIM_OPTIONS));
		const taken = keys.filter((key) => checked.processed.map(String).includes(key));
		let reported = new Set<string>();
		if (taken.length) {
			// n8n's store has no read-only check: record, then take back what was not there (inside this
			// node's queue, so nothing else of this n8n reads the row in between).
			const marks = taken.map(reportedKey);
			const found = await storeCall(node, () => ctx.helpers.checkProcessedAndRecord(marks, 'node', CLAIM_OPTIONS));
			reported = new Set(found.processed.map(String));
			const notYet = marks.filter((mark) => !reported.has(mark));
			if (notYet.length) await storeCall(node, () => ctx.helpers.removeProcessed(notYet, 'node', CLAIM_OPTIONS));
		}
		const toReport = keys.filter((key) => !reported.has(reportedKey(key)));
		run.claimed.push(...toReport);
		return changes.filter((_, i) => toReport.includes(keys[i]));
	});
}

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const sellerId = readId(this, 'sellerId', itemIndex, 'Creditor ID');
	const event = this.getNodeParameter('event', itemIndex, 'deliveryFailed') as DeliveryEvent;
	// One memory per node, of one kind: an expression that gives the items different kinds would mix them.
	if (itemIndex > 0 && event !== this.getNodeParameter('event', 0, 'deliveryFailed')) {
		throw new NodeOperationError(this.getNode(), `"Changes" must be the same for every item: this item's differs from the first item's [item ${itemIndex}]`, {
			itemIndex,
			description: 'This node keeps one memory of what it reported, for one kind of change. To watch failures and status changes both, use two Get Changes nodes.',
		});
	}
	const windowDays = readWindowDays(this.getNodeParameter('readWindowDays', itemIndex, undefined));
	const run = runOf(this, event);
	if (!run.firstRows.has(sellerId)) run.firstRows.set(sellerId, itemIndex);
	const stored = run.stored;
	const previous = currentStates(stored, event);
	// What 0.4.0 (marks) or 0.3.0 (statuses) kept: taken over creditor by creditor.
	const older = previous ? undefined : currentState(stored, event);
	const legacy = previous || older ? undefined : legacySnapshots(stored);
	const sample = !previous && !older && !legacy && this.getMode() === 'manual';
	const memoryText = previous?.sellers[sellerId] ?? (older?.sellers[sellerId] ? markMemory(older.sellers[sellerId]) : undefined);
	return {
		// An arrow function: `this` stays n8n's context.
		send: async (api) => {
			if (sample) {
				const recent = await readDeliveries(api, sellerId, event, itemIndex, SAMPLES_PER_SELLER, windowDays);
				return { json: recent.map((delivery) => ({ ...eventItem(event, sellerId, delivery), sample: true })) };
			}
			// The same creditor twice in the input (two rows of a sheet): read and reported once, for the first
			// row; the others share its outcome (an error too), so a wrong key still fails every row. A first
			// row that a Retry On Fail try gave back from an earlier try is not read again: its result stands.
			if (run.firstRows.get(sellerId) !== itemIndex) {
				await run.reads.get(sellerId);
				return { json: [] };
			}
			const reading = (async () => {
				const { changes, next } = await readChanges(api, { sellerId, event, windowDays, memory: parseMemory(event, memoryText), legacy: legacy?.[sellerId], codes: run.codes, itemIndex });
				const toReport = await notReportedBefore(this, run, sellerId, changes);
				return { toReport, next };
			})();
			run.reads.set(sellerId, reading);
			const { toReport, next } = await reading;
			const readWith = run.codes;
			return {
				json: toReport.map((change) => eventItem(event, sellerId, change.delivery, change.previousStatus)),
				// Also applied by a later Retry On Fail try that gives this result back: with that try's run.
				commit(this: IExecuteFunctions) {
					const now = runOf(this);
					keepState(now, previous, older, event, sellerId, statesMemory(windowDays, recoded(next, readWith, now.codes)));
					now.reported.push(...toReport.map((change) => claimKey(sellerId, change)));
				},
			};
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
	if (Object.keys(runOf(this).stored).length > 0) return;
	if ((await hadMemory(this)) !== true) return;
	throw new NodeOperationError(this.getNode(), 'This run did not get the memory of what earlier runs reported', {
		description:
			'An earlier run of this node kept its memory in the workflow, but n8n gave this run none of it — n8n 2.41 in queue mode does not pass a workflow\'s memory to the worker that runs a scheduled execution (in regular mode this happens only to a run that n8n started before the execution of this node\'s very first run had ended; the next run is fine). Reporting now would take every creditor for new and miss their changes, so nothing was read. Watch these creditors with the Cash-In Partner Trigger (its memory stays on the main instance), or run this workflow on an n8n in regular mode. To start again from now instead, put a copy of this node in its place (a new node has no memory).',
	});
}

export async function afterRun(this: IExecuteFunctions): Promise<void> {
	// Only production runs move the memory on; a test run from the editor leaves it as it is.
	const run = runOf(this);
	if (this.getMode() === 'manual' || !run.next) return;
	run.memory.save(run.next as unknown as IDataObject);
	keptInThisProcess.set(storeQueue(this), { state: run.next as unknown as IDataObject, at: nextMoment() });
	// The changes are reported and the memory moved on: a failing write to n8n's table from here on must not
	// fail the run (its output would be lost with the memory already moved). What it costs is said above.
	run.claimed.length = 0;
	const keys = run.reported.splice(0);
	await bestEffort(this, 'mark the changes of this run reported', async () => {
		if (keys.length) await serialised(storeQueue(this), async () => await storeCall(this.getNode(), () => this.helpers.checkProcessedAndRecord([...keys, ...keys.map(reportedKey)], 'node', CLAIM_OPTIONS)));
	});
	await bestEffort(this, 'record that this node keeps a memory', async () => {
		if ((await hadMemory(this)) === false) await this.helpers.checkProcessedAndRecord([MEMORY_MARKER], 'node', MARKER_OPTIONS);
	});
}

/** A write whose failure is logged, not thrown: the run's outcome is already settled. */
async function bestEffort(ctx: IExecuteFunctions, what: string, write: () => Promise<void>): Promise<void> {
	try {
		await write();
	} catch (error) {
		ctx.logger.warn(`Cash-In Partner "${ctx.getNode().name}" could not ${what} in n8n's deduplication table: ${(error as Error).message}`);
	}
}

/**
 * A creditor's states read with one run's status codes, in another's: a Retry On Fail try gives back what
 * an earlier try read, whose codes for statuses outside the contract may differ from this try's.
 */
function recoded(states: Map<string, string>, from: StatusCodes, to: StatusCodes): Map<string, string> {
	if (from === to) return states;
	return new Map([...states].map(([id, code]) => [id, code === '' ? code : to.codeOf(from.statusOf(code) ?? '')]));
}

/**
 * Keeps one creditor's memory for this run. The run's memory starts from what was kept (creditors this run
 * did not read keep theirs; 0.4.0's marks are carried as they were, to be taken over when read).
 */
function keepState(run: RunState, previous: DeliveryStates | undefined, older: WatchState | undefined, event: DeliveryEvent, sellerId: string, memory: string) {
	run.next ??= {
		v: 3,
		g: Math.max(0, generation(run.stored)) + 1,
		event,
		u: run.codes.others,
		sellers: previous ? { ...previous.sellers } : Object.fromEntries(Object.entries(older?.sellers ?? {}).map(([id, mark]) => [id, markMemory(mark)])),
	};
	run.next.sellers[sellerId] = memory;
}

/** A run that stops keeps no memory; the changes it claimed are released, so the next run reports them. */
export async function afterFailure(this: IExecuteFunctions): Promise<void> {
	const run = runOf(this);
	if (!run.claimed.length) return;
	const keys = run.claimed.splice(0);
	// If this fails too, the run's own error is the one to show; the next run reports what stays claimed.
	await bestEffort(this, 'release the changes this run claimed', async () => {
		await serialised(storeQueue(this), async () => await storeCall(this.getNode(), () => this.helpers.removeProcessed(keys, 'node', CLAIM_OPTIONS)));
	});
}
