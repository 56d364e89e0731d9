/**
 * What one run of a `create` (or `watch`) operation carried out, kept so that n8n's Retry On Fail never
 * sends twice (or reports a change twice).
 *
 * n8n retries a node by running it again with ALL of its input items — when it threw, and also when its
 * first output item is an error item (On Error → Continue). Read in n8n-core's `workflow-execute.js`:
 * `getRetryParams` and `checkFailure`. Without memory, every SMS already sent would go out again on each
 * of the 2–5 tries. With it, a try returns the earlier result of each item Cash-In carried out, and the
 * earlier error of each item Cash-In may have carried out (a timeout, a 5xx), and sends only the others.
 *
 * Where it lives: on the node's context object (`getContext('node')`), which n8n keeps for this node
 * across the tries of one execution, under a Symbol key — so it is never written into the stored
 * execution (outputs may hold creditor keys), and it goes away with the execution. It is keyed by the
 * node's run index: in a loop the node runs again on other items, and those are new sends.
 */
import type { IContextObject, IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';

export type Remembered = { kind: 'done'; output: INodeExecutionData[]; commit?: (this: IExecuteFunctions) => void } | { kind: 'uncertain'; error: NodeApiError };

export interface RetryMemory {
	recall(itemIndex: number): Remembered | undefined;
	remember(itemIndex: number, outcome: Remembered): void;
	/** Drops this run's memory: n8n will not run the node again for it. */
	forget(): void;
}

const MEMORY = Symbol('cashInPartner.retryMemory');

type Holder = IContextObject & { [MEMORY]?: Map<number, Map<number, Remembered>> };

/** The memory of this node run, or undefined when Retry On Fail is off (no try will follow). */
export function retryMemoryOf(ctx: IExecuteFunctions): RetryMemory | undefined {
	if (ctx.getNode().retryOnFail !== true) return undefined;
	const holder = ctx.getContext('node') as Holder;
	const runIndex = ctx.getWorkflowDataProxy(0).$runIndex as number;
	const runs = (holder[MEMORY] ??= new Map());
	let items = runs.get(runIndex);
	if (!items) runs.set(runIndex, (items = new Map()));
	const memory = items;
	return {
		recall: (itemIndex) => memory.get(itemIndex),
		remember: (itemIndex, outcome) => void memory.set(itemIndex, outcome),
		forget: () => void runs.delete(runIndex),
	};
}

/**
 * Whether n8n will run the node again after this output (`checkFailure` in workflow-execute.js): its
 * first output item has `json.error`. (A thrown error is retried too; the caller knows when it throws.)
 */
export const outputInvitesRetry = (output: INodeExecutionData[]) => {
	const error = output[0]?.json?.error;
	return error !== undefined && error !== null && error !== false;
};
