/**
 * The item loop of the Cash-In Partner node, in one place for every operation:
 * 1. Every item's request is built and checked before the first one is sent, so under On Error → Stop
 *    Workflow (n8n's default) a bad value in row 6 stops the run with nothing sent at all.
 * 2. Requests go out in parallel through one request gate per execution; the output follows input order
 *    and every item carries `pairedItem`.
 * 3. Continue-on-fail turns an item's error into n8n's error item (also on n8n 1.x, see `errorItem`).
 * 4. For operations that create something: n8n's Retry On Fail sends nothing twice (`retryMemory.ts`), nor
 *    does a later execution of the workflow (`sentBefore.ts`: skipped items come out with alreadySent),
 *    and a run stopped by Cash-In says what was already carried out and what running again will do.
 *    Operations that remember across runs (Get Changes) keep what they saw only when the run succeeds.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { assertHost } from '../host';
import { createClient, isRunWide, isUncertainOutcome, itemSuffixed, RequestGate } from '../transport';
import { forEachBounded } from '../transport/parallel';
import * as agreement from './agreement';
import * as creditor from './creditor';
import * as creditorCredential from './creditorCredential';
import * as delivery from './delivery';
import type { NodeMap, ResourceName } from './node.type';
import { readRequestOptions } from './options';
import { outputInvitesRetry, type RetryMemory, retryMemoryOf } from './retryMemory';
import { identityOf, readSentBeforeSettings, type SentBeforeSettings, sentMemoryOf } from './sentBefore';
import * as sms from './sms';
import { inTurn } from './turns';
import type { Operation, PreparedItem } from './types';

/** Every operation of node.type.ts, typed: a missing, misspelt or extra one does not compile. */
const operations = {
	agreement: { getAll: agreement.getAll },
	creditor: { create: creditor.create, update: creditor.update },
	creditorCredential: { get: creditorCredential.get },
	delivery: { getAll: delivery.getAll, getChanges: delivery.getChanges },
	sms: { send: sms.send },
} satisfies { [R in ResourceName]: Record<NodeMap[R], Operation> };

type NodeError = NodeApiError | NodeOperationError;

function operationOf(resource: string, operation: string): Operation | undefined {
	if (!Object.hasOwn(operations, resource)) return undefined;
	const ofResource: Record<string, Operation> = operations[resource as ResourceName];
	return Object.hasOwn(ofResource, operation) ? ofResource[operation] : undefined;
}

/** Any error of an item as n8n's node error, its message ending with the item as n8n writes it: "[item 2]". */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	const nodeError = error instanceof NodeApiError || error instanceof NodeOperationError ? error : new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	nodeError.context.itemIndex ??= itemIndex;
	nodeError.message = itemSuffixed(nodeError.message, itemIndex);
	return nodeError;
}

/**
 * n8n's error item: `{ error, message }` — what went wrong, and what to do about it. The keys are the ones
 * every n8n routes to the error output: n8n 1.x and early 2.x only when the json is exactly `{ error }` or
 * `{ error, message }` (later 2.x also accept `details`). The error itself is not put on the item: n8n
 * would then replace the json with `{ error }`, dropping the advice and, on the error output, the row.
 */
function errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.message = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

function outputItems(ctx: IExecuteFunctions, json: IDataObject | IDataObject[], itemIndex: number, warning?: string): INodeExecutionData[] {
	const data = warning === undefined ? json : Array.isArray(json) ? json.map((one) => ({ ...one, warning })) : { ...json, warning };
	return ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(data), { itemData: { item: itemIndex } });
}

const MAX_LISTED = 10;
const items = (count: number) => `${count} item${count === 1 ? '' : 's'}`;
const weeks = (count: number) => `${count} week${count === 1 ? '' : 's'}`;

/** A bad value under Stop Workflow: no item was sent, since every item is checked first. */
function nothingSent(error: NodeError, itemCount: number): NodeError {
	if (itemCount > 1) {
		error.description = [error.description, `The node checks every item before it sends any, so nothing was sent to Cash-In for any of the ${itemCount} items.`]
			.filter(Boolean)
			.join('\n');
	}
	return error;
}

/**
 * Cash-In refused an item (or did not answer) while others were being sent, under Stop Workflow: n8n
 * throws away the node's output, so the error itself says what was carried out and what running the
 * workflow again will do. Items are listed only when they are few enough to act on one by one.
 */
function stoppedAfterSending(error: NodeError, total: number, done: string[], uncertain: string[], remembered: SentBeforeSettings | undefined): NodeError {
	const listed = (labels: string[]) => (labels.length <= MAX_LISTED ? `: ${labels.join(', ')}` : '');
	const lines: string[] = [];
	if (done.length) lines.push(`Before the run stopped, Cash-In carried out ${done.length} of the ${items(total)}${listed(done)}.`);
	if (uncertain.length) lines.push(`${items(uncertain.length)} may or may not have been carried out${listed(uncertain)}: check ${uncertain.length === 1 ? 'it' : 'them'} in Cash-In.`);
	if (done.length || uncertain.length) {
		lines.push(
			remembered
				? `This node remembers what it sent for ${weeks(remembered.weeks)}: running the workflow again, or Retry in the executions list, sends only the items not carried out yet, and the others come out with alreadySent = true.`
				: `Skip Items Sent Before is off, so running the workflow again sends every item again. Turn it on before you run again, or send only the items that failed.`,
		);
	}
	lines.push(`To keep going past items Cash-In refuses, with a result for every item, set this node's Settings → On Error to "Continue (using error output)".`);
	error.description = [error.description, ...lines].filter(Boolean).join('\n\n');
	return error;
}

/** An item an earlier execution (or an earlier item of this run) sent: not sent, shown as such. */
function alreadySentJson(shown: IDataObject, remembered: SentBeforeSettings): IDataObject {
	return {
		alreadySent: true,
		...shown,
		note: `Not sent: this node sent the same item within the last ${weeks(remembered.weeks)} (or Cash-In may have received it then), in an earlier execution of this workflow or earlier in this one.`,
	};
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	assertHost(this.getNode());
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operationOf(resource, operation);
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const queue = handler.runsAloneIn?.call(this);
	return queue === undefined ? await runOperation.call(this, handler) : await inTurn(this, queue, async () => await runOperation.call(this, handler));
}

async function runOperation(this: IExecuteFunctions, handler: Operation): Promise<INodeExecutionData[][]> {
	const input = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const creates = handler.effect === 'create';
	const remembered = creates ? readSentBeforeSettings(this) : undefined;

	// 1. Every request built and checked; under Stop Workflow the first bad item ends the run here.
	const identities: string[] = [];
	const prepared: Array<PreparedItem | NodeError> = input.map((_, itemIndex) => {
		try {
			const item = handler.prepare.call(this, itemIndex);
			if (remembered && item.sameAs) identities[itemIndex] = identityOf(this, remembered, itemIndex, item.sameAs.content);
			return item;
		} catch (caught) {
			return asNodeError(this, caught, itemIndex);
		}
	});
	if (!continueOnFail) {
		const firstBad = prepared.find((entry): entry is NodeError => entry instanceof Error);
		if (firstBad) throw nothingSent(firstBad, input.length);
	}

	// 2. Sending.
	const memory: RetryMemory | undefined = creates || handler.effect === 'watch' ? retryMemoryOf(this) : undefined;
	const { parallelRequests, timeoutMs } = readRequestOptions(this);
	const api = createClient(this, { timeoutMs, gate: new RequestGate({ maxInFlight: parallelRequests }) });
	// A credential that cannot be used is a problem of the run, not of an item.
	if (prepared.some((entry) => !(entry instanceof Error))) await api.ready();
	await handler.beforeSending?.call(this);
	// What an earlier try of this execution did comes back as it was; the rest is claimed before sending.
	const recalled = prepared.map((entry, itemIndex) => (entry instanceof Error ? undefined : memory?.recall(itemIndex)));
	const toClaim = identities.flatMap((identity, itemIndex) => (identity !== undefined && !recalled[itemIndex] ? [{ itemIndex, identity }] : []));
	const sentMemory = remembered ? sentMemoryOf(this, remembered, toClaim) : undefined;
	const results: INodeExecutionData[][] = new Array(input.length);
	const done: number[] = [];
	const commits: Array<(this: IExecuteFunctions) => void> = [];
	const uncertain: number[] = [];
	const warnings: string[] = [];
	let failure: { itemIndex: number; error: NodeError } | undefined;
	const failed: NodeError[] = [];

	const fail = (itemIndex: number, error: NodeError) => {
		failed.push(error);
		if (isUncertainOutcome(error)) uncertain.push(itemIndex);
		if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex)];
		else if (!failure || itemIndex < failure.itemIndex) failure = { itemIndex, error };
	};

	try {
		await forEachBounded(
			input.length,
			parallelRequests,
			async (itemIndex) => {
				const item = prepared[itemIndex];
				if (item instanceof Error) return fail(itemIndex, item);
				const earlier = recalled[itemIndex];
				if (earlier?.kind === 'done') {
					results[itemIndex] = earlier.output;
					done.push(itemIndex);
					if (earlier.commit) commits.push(earlier.commit);
					return;
				}
				if (earlier?.kind === 'uncertain') return fail(itemIndex, earlier.error);
				try {
					if (await sentMemory?.sentBefore(itemIndex)) {
						results[itemIndex] = outputItems(this, alreadySentJson(item.sameAs!.shown, remembered!), itemIndex);
						return;
					}
					const { json, warning, commit } = await item.send(api);
					results[itemIndex] = outputItems(this, creates ? withAlreadySent(json) : json, itemIndex, warning);
					if (warning !== undefined) warnings.push(warning);
					done.push(itemIndex);
					if (commit) commits.push(commit);
					memory?.remember(itemIndex, { kind: 'done', output: results[itemIndex], commit });
				} catch (caught) {
					const error = asNodeError(this, caught, itemIndex);
					if (isUncertainOutcome(error) && error instanceof NodeApiError) memory?.remember(itemIndex, { kind: 'uncertain', error });
					fail(itemIndex, error);
				}
			},
			// Under Stop Workflow the first error ends the run: start no new item, let started ones finish.
			() => failure !== undefined,
		);
	} finally {
		// What Cash-In carried out or may have stays remembered; refused and unsent items are forgotten.
		await sentMemory?.settle([...done, ...uncertain]);
	}

	if (failure) {
		const labelsOf = (indexes: number[]) =>
			indexes
				.filter((i) => i !== failure!.itemIndex)
				.sort((a, b) => a - b)
				.map((i) => `${(prepared[i] as PreparedItem).label ?? 'an item'} [item ${i}]`);
		await handler.afterFailure?.call(this);
		throw creates ? stoppedAfterSending(failure.error, input.length, labelsOf(done), labelsOf(uncertain), sentMemory && remembered) : failure.error;
	}
	// A watcher that could read nothing at all (the key refused, Cash-In out of reach) fails the run under
	// Continue too: error items alone would make a successful execution, and n8n's error workflow would not run.
	// (Rows that failed their checks were not read: they neither count for nor against it.)
	const readFailures = failed.filter((error) => !prepared.includes(error));
	const read = prepared.filter((entry) => !(entry instanceof Error)).length;
	if (handler.effect === 'watch' && read > 0 && readFailures.length === read && readFailures.every(isRunWide)) {
		const error = readFailures[0];
		error.description = [error.description, `No creditor could be read (${items(read)}), so the run fails even under On Error → Continue: n8n's error workflow runs, and nothing is remembered.`].filter(Boolean).join('\n\n');
		await handler.afterFailure?.call(this);
		throw error;
	}
	for (const commit of commits) commit.call(this);
	await handler.afterRun?.call(this);
	const output = results.flat();
	if (memory && !outputInvitesRetry(output)) memory.forget();
	if (warnings.length) {
		this.addExecutionHints?.({
			message: `${items(warnings.length)} ${warnings.length === 1 ? 'was' : 'were'} carried out, but Cash-In answered differently than this node expects (see "warning" on each): ${warnings[0]}`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	const skipped = sentMemory?.skipped ?? 0;
	if (skipped) {
		this.addExecutionHints?.({
			message: `${items(skipped)} ${skipped === 1 ? 'was' : 'were'} not sent: this node already sent ${skipped === 1 ? 'it' : 'them'} (alreadySent = true). To send an item again on purpose, turn off "Skip Items Sent Before" or give it another Item Key.`,
			type: 'info',
			location: 'outputPane',
		});
	}
	if (remembered && !sentMemory && toClaim.length) {
		this.addExecutionHints?.({
			message: 'Save the workflow to have this node remember what it sent: this run was not remembered, so running it again would send the same items again.',
			type: 'warning',
			location: 'outputPane',
		});
	}
	return [output];
}

/** Items a create operation sent now carry alreadySent = false, so a next node can filter on one field. */
const withAlreadySent = (json: IDataObject | IDataObject[]) => (Array.isArray(json) ? json.map((one) => ({ ...one, alreadySent: false })) : { ...json, alreadySent: false });
