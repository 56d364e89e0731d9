import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CashInClient } from '../transport';

/**
 * What an operation does, which decides how the router may treat it:
 * - `read`: nothing changes; safe to run any number of times.
 * - `change`: changes what exists (PUT); running it twice leaves the same result.
 * - `create`: creates something (a creditor, an SMS); it must never be carried out twice.
 * - `watch`: reads, and remembers what it reported so the next run reports only what is new; a retry must
 *   neither report a change twice nor lose one.
 */
export type Effect = 'read' | 'change' | 'create' | 'watch';

/** One item's request, built and checked from its parameters; nothing has been sent yet. */
export interface PreparedItem {
	/** Sends the request(s) and returns the item's output: one object, or one per result (Get Many). */
	send(api: CashInClient): Promise<ItemOutput>;
	/** How the user finds what the item did in Cash-In, e.g. `reference "CI-1"`: for `create` operations. */
	label?: string;
	/**
	 * For `create` operations: what makes two items the same (normalised, e.g. recipient, text and
	 * reference of an SMS), and what an item skipped as sent before shows of itself.
	 */
	sameAs?: { content: string; shown: IDataObject };
}

export interface ItemOutput {
	json: IDataObject | IDataObject[];
	/** Cash-In did it, but its answer differed from what the node expects (shown as a hint and in `warning`). */
	warning?: string;
	/** What the item keeps for the next run; applied (with the run's context) only when the node run ends without an error. */
	commit?: (this: IExecuteFunctions) => void;
}

/** One operation: its parameters, what it does, and how one item becomes a request. */
export interface Operation {
	description: INodeProperties[];
	effect: Effect;
	/**
	 * Reads and checks the item's parameters, with no request: a bad value throws a NodeOperationError
	 * naming the field and the item. The router prepares every item before it sends any.
	 */
	prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem;
	/**
	 * For operations that keep a memory across executions: the queue this run waits in, so that runs of the
	 * same node in one n8n never overlap (each starts from what the last one kept; see turns.ts).
	 */
	runsAloneIn?(this: IExecuteFunctions): string | undefined;
	/** Once per run, after every item was prepared and before the first is sent; an error ends the run. */
	beforeSending?(this: IExecuteFunctions): Promise<void>;
	/** Once per run, after the items' commits, when the run ends without an error. */
	afterRun?(this: IExecuteFunctions): Promise<void>;
	/** Once per run that ends with an error (before n8n gets it): undo what only a finished run may keep. */
	afterFailure?(this: IExecuteFunctions): Promise<void>;
}
