/**
 * Runs of a node that keeps a memory across executions (Get Changes) take turns in this n8n: n8n starts a
 * scheduled execution whether or not the last one has ended, and a run that read while another was
 * reading would start from the memory before that one.
 *
 * The tries of one run (Retry On Fail) are one turn: between two tries the turn is kept, or another run
 * would read from the memory before this one's changes while this one's next try still reports them.
 * n8n runs the next try `waitBetweenTries` (at most 5 s) after the last (`workflow-execute.js`); should it
 * not come (the execution was stopped), the turn passes on by itself a while later.
 */
import { type IContextObject, type IExecuteFunctions, type INodeExecutionData, sleep } from 'n8n-workflow';

import { outputInvitesRetry } from './retryMemory';

/** How long a turn kept for the next try waits for it, beyond n8n's wait between tries. */
const NEXT_TRY_GRACE_MS = 30_000;

const queues = new Map<string, { waiting: Array<() => void> }>();

/**
 * A count of the moments this process saw (a run arriving at its queue, a memory kept), so that what
 * happened after what needs no clock.
 */
let moments = 0;
export const nextMoment = () => ++moments;
const arrivals = new WeakMap<IExecuteFunctions, number>();
/** The moment this run arrived at its queue, before it waited for its turn (undefined: it takes no turns). */
export const arrivalOf = (ctx: IExecuteFunctions) => arrivals.get(ctx);

/** Waits for the queue's turn; the function returned passes it on (once). */
async function takeTurn(queue: string): Promise<() => void> {
	const existing = queues.get(queue);
	if (existing) await new Promise<void>((resolve) => existing.waiting.push(resolve));
	else queues.set(queue, { waiting: [] });
	let passed = false;
	return () => {
		if (passed) return;
		passed = true;
		const next = queues.get(queue)?.waiting.shift();
		if (next) next();
		else queues.delete(queue);
	};
}

const KEPT = Symbol('cashInPartner.turn');
type Holder = IContextObject & { [KEPT]?: Map<number, { pass: () => void; tries: number }> };

/** n8n's own bounds (`getRetryParams` in workflow-execute.js). */
const triesOf = (ctx: IExecuteFunctions) => Math.min(5, Math.max(2, ctx.getNode().maxTries || 3));
const waitOf = (ctx: IExecuteFunctions) => Math.min(5000, Math.max(0, ctx.getNode().waitBetweenTries || 1000));

export async function inTurn(ctx: IExecuteFunctions, queue: string, work: () => Promise<INodeExecutionData[][]>): Promise<INodeExecutionData[][]> {
	const retries = ctx.getNode().retryOnFail === true;
	const holder = ctx.getContext('node') as Holder;
	const runIndex = ctx.getWorkflowDataProxy(0).$runIndex as number;
	const kept = retries ? holder[KEPT]?.get(runIndex) : undefined;
	arrivals.set(ctx, nextMoment());
	const turn = kept ?? { pass: await takeTurn(queue), tries: 0 };
	turn.tries++;
	let failed = true;
	try {
		const output = await work();
		failed = outputInvitesRetry(output[0] ?? []);
		return output;
	} finally {
		if (retries && failed && turn.tries < triesOf(ctx)) {
			(holder[KEPT] ??= new Map()).set(runIndex, turn);
			const tries = turn.tries;
			void sleep(waitOf(ctx) + NEXT_TRY_GRACE_MS).then(() => {
				if (turn.tries !== tries) return;
				if (holder[KEPT]?.get(runIndex) === turn) holder[KEPT].delete(runIndex);
				turn.pass();
			});
		} else {
			holder[KEPT]?.delete(runIndex);
			turn.pass();
		}
	}
}
