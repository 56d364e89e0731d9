/**
 * "Skip Items Sent Before": what a `create` operation carried out (or may have) is remembered across
 * executions, so running the workflow again, n8n's Retry of a failed execution, a Schedule Trigger over the
 * same rows or a webhook called twice sends nothing a second time.
 *
 * Where it is kept: n8n's deduplication store (the `processed_data` table the Remove Duplicates node uses),
 * scoped to this node: one row per workflow and node ID, so it survives restarts and renames and every
 * queue-mode worker reads the same row. What n8n stores is an md5 hash per key, in insertion order, trimmed
 * oldest first past `maxEntries`. n8n 2.41 reads the row, checks with a Set and writes the whole row back
 * (`n8n/dist/deduplication/deduplication-helper.js`): no lock, no expiry and no "check without recording".
 * From that follow the choices here:
 * - Time: a key names its week (a fixed grid of calendar weeks, so changing the setting loses nothing). An
 *   item is looked up in the current week and the N before it, and counts as sent when any holds it: it is
 *   remembered at least N weeks and less than N + 1.
 * - Every lookup records. Keys recorded for an item found sent before are removed again, so a workflow that
 *   keeps meeting the same row does not stretch its memory; an item sent now keeps its older-week keys
 *   (harmless: a later lookup that reaches them also reaches the current week's).
 * - An item is claimed (recorded) before it is sent, so a second execution that starts meanwhile skips it.
 *   Items Cash-In refused, or that were never sent because the run stopped, are released afterwards.
 *   Claims go in chunks of CLAIM_CHUNK items, as the run reaches them: should n8n die mid-run, at most
 *   that many items stay claimed without having been sent.
 * - In this process every call for one node goes through one queue (`serialised`), so two executions at
 *   once cannot both claim an item or overwrite each other's row. Across processes (queue-mode workers)
 *   n8n offers no lock: at the end of a run the node records its claims once more, which repairs a row
 *   another worker overwrote; two workers claiming the same item within the same moment can both send it.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { serialised, storeCall } from '../serialised';

const MODE = { mode: 'entries' } as const;
/**
 * How many keys n8n keeps for one node before it forgets the oldest. Each item sent takes (weeks + 1) keys;
 * n8n reads and rewrites the whole row (about 27 bytes a key) at each call — docs/scaling.md has the cost.
 */
export const MAX_REMEMBERED_KEYS = 200_000;
const KEY_VERSION = 'cashin/sent/v1';
const DAY_MS = 86_400_000;
export const DEFAULT_WEEKS = 1;
export const MAX_WEEKS = 13;

export interface SentBeforeSettings {
	weeks: number;
	/** A key of the user's own per item instead of the operation's content. */
	custom: boolean;
}

const sameItemChoices = (sameContent: string) => [
	{ name: sameContent, value: 'content', description: 'Spaces and letter forms are evened out before comparing' },
	{ name: 'Same Item Key', value: 'custom', description: 'A key of your own per item, e.g. case ID and reminder step' },
];

/** The parameters, shown on every operation that creates something. `sameContent` names what is compared. */
export function sentBeforeParameters(sameContent: string): INodeProperties[] {
	const whenOn = { show: { skipSentBefore: [true] } };
	return [
		{
			displayName: 'Skip Items Sent Before',
			name: 'skipSentBefore',
			type: 'boolean',
			default: true,
			description:
				'Whether to skip an item that this node already sent in an earlier execution of this workflow: running it again, Retry in the executions list, the same rows from a webhook or a schedule. A skipped item is not sent; it comes out with alreadySent = true.',
		},
		{
			displayName: 'Remember Sent Items For (Weeks)',
			name: 'rememberWeeks',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_WEEKS },
			default: DEFAULT_WEEKS,
			description: `How long an item counts as sent: calendar weeks (Monday to Sunday, UTC), at least this many weeks and less than one more. Up to ${MAX_WEEKS}. The node remembers at most ${(MAX_REMEMBERED_KEYS / 2).toLocaleString('en')} items at 1 week, fewer for longer. Changing it keeps what is already remembered.`,
			displayOptions: whenOn,
		},
		{
			displayName: 'Same Item When',
			name: 'sameItemWhen',
			type: 'options',
			options: sameItemChoices(sameContent),
			default: 'content',
			displayOptions: whenOn,
		},
		{
			displayName: 'Item Key',
			name: 'itemKey',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.caseId }}-{{ $json.reminderStep }}',
			description: 'Items with the same key count as the same: once one is sent, the others are skipped',
			displayOptions: { show: { skipSentBefore: [true], sameItemWhen: ['custom'] } },
		},
	];
}

/** The node-wide setting, or undefined when the user turned the protection off. */
export function readSentBeforeSettings(ctx: IExecuteFunctions): SentBeforeSettings | undefined {
	if (ctx.getNodeParameter('skipSentBefore', 0, true) !== true) return undefined;
	const weeks = Math.floor(Number(ctx.getNodeParameter('rememberWeeks', 0, DEFAULT_WEEKS)));
	return {
		weeks: Number.isFinite(weeks) ? Math.min(MAX_WEEKS, Math.max(1, weeks)) : DEFAULT_WEEKS,
		custom: ctx.getNodeParameter('sameItemWhen', 0, 'content') === 'custom',
	};
}

/** Text compared as a person reads it: one Unicode form, runs of white space as one space, no ends. */
export const evenedOut = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The identity of one item: its content (from the operation) or the user's key, checked before sending. */
export function identityOf(ctx: IExecuteFunctions, settings: SentBeforeSettings, itemIndex: number, content: string): string {
	if (!settings.custom) return `content:${content}`;
	const raw = ctx.getNodeParameter('itemKey', itemIndex, '') as unknown;
	const key = evenedOut(raw === undefined || raw === null ? '' : typeof raw === 'object' ? stableJson(raw) : String(raw));
	if (!key) {
		throw new NodeOperationError(ctx.getNode(), `Item Key is empty [item ${itemIndex}]`, {
			itemIndex,
			description: 'Same Item When is set to "Same Item Key", so every item needs a key: map it from the input, e.g. {{ $json.caseId }}. Nothing was sent to Cash-In for this item.',
		});
	}
	return `key:${key}`;
}

/** JSON whose object keys are sorted, so `{ caseId, step }` and `{ step, caseId }` are one key. */
const stableJson = (value: unknown): string =>
	JSON.stringify(value, (_, inner: unknown) =>
		inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
	);

/** Calendar weeks since 1970, Monday to Sunday in UTC (1 January 1970 was a Thursday). */
const weekOf = (ms: number) => Math.floor((Math.floor(ms / DAY_MS) + 3) / 7);

/** Items claimed per call to n8n's store: a crash mid-run leaves at most this many claimed but unsent. */
export const CLAIM_CHUNK = 250;

export interface SentMemory {
	/**
	 * Whether the item was sent before (by an earlier or a concurrent execution, or an earlier item of this
	 * run with the same identity): then it must not be sent. Otherwise it is now claimed for this run. Items
	 * are claimed in chunks, in input order, just before they are sent.
	 */
	sentBefore(itemIndex: number): Promise<boolean>;
	/** After the run: claimed items not in `kept` (refused, or never sent) are forgotten; the rest recorded once more. */
	settle(kept: number[]): Promise<void>;
	/** How many items were found sent before, so far. */
	readonly skipped: number;
}

/**
 * The memory for one run of the node over `items` (those to be sent, with their identities). Undefined
 * where n8n gives no store or the workflow has no ID yet (an unsaved workflow in the editor).
 */
export function sentMemoryOf(
	ctx: IExecuteFunctions,
	settings: SentBeforeSettings,
	items: Array<{ itemIndex: number; identity: string }>,
	clock: () => number = Date.now,
): SentMemory | undefined {
	const workflowId = ctx.getWorkflow().id;
	if (!workflowId || typeof ctx.helpers.checkProcessedAndRecord !== 'function') return undefined;
	const queue = `${workflowId}/${ctx.getNode().id}`;
	const options = { ...MODE, maxEntries: MAX_REMEMBERED_KEYS };
	const keyOf = (identity: string, week: number) => `${KEY_VERSION}/${week}/${identity}`;
	// The week when the chunk is claimed, just before its items are sent (a long run may cross a Monday).
	const keysOf = (identity: string, week = weekOf(clock())) => Array.from({ length: settings.weeks + 1 }, (_, back) => keyOf(identity, week - back));
	const chunkOf = new Map(items.map(({ itemIndex }, position) => [itemIndex, Math.floor(position / CLAIM_CHUNK)]));
	const chunks = new Map<number, Promise<Set<number>>>();
	const claimed = new Map<number, { identity: string; keys: string[] }>();
	let skipped = 0;

	async function claim(chunk: Array<{ itemIndex: number; identity: string }>): Promise<Set<number>> {
		// Two items of one chunk with the same identity: the first is claimed, the second counts as sent.
		const first = new Map<string, number>();
		for (const { itemIndex, identity } of chunk) if (!first.has(identity)) first.set(identity, itemIndex);
		const keys = new Map([...first.keys()].map((identity) => [identity, keysOf(identity)]));
		return await serialised(queue, async () => {
			const checked = await storeCall(ctx.getNode(), () => ctx.helpers.checkProcessedAndRecord([...keys.values()].flat(), 'node', options));
			const known = new Set(checked.processed.map(String));
			const sentBefore = new Set<number>();
			const unrecord: string[] = [];
			for (const [identity, ownKeys] of keys) {
				if (ownKeys.some((key) => known.has(key))) {
					sentBefore.add(first.get(identity)!);
					unrecord.push(...ownKeys.filter((key) => !known.has(key)));
				} else claimed.set(first.get(identity)!, { identity, keys: ownKeys });
			}
			for (const { itemIndex, identity } of chunk) if (first.get(identity) !== itemIndex) sentBefore.add(itemIndex);
			if (unrecord.length) await storeCall(ctx.getNode(), () => ctx.helpers.removeProcessed(unrecord, 'node', options));
			skipped += sentBefore.size;
			return sentBefore;
		});
	}

	return {
		async sentBefore(itemIndex) {
			const chunk = chunkOf.get(itemIndex);
			if (chunk === undefined) return false;
			let result = chunks.get(chunk);
			if (!result) chunks.set(chunk, (result = claim(items.slice(chunk * CLAIM_CHUNK, (chunk + 1) * CLAIM_CHUNK))));
			return (await result).has(itemIndex);
		},
		async settle(kept) {
			// A chunk still being claimed (the run stopped meanwhile) is settled with the rest.
			await Promise.allSettled(chunks.values());
			const keep = new Set(kept);
			const forget = [...claimed].flatMap(([itemIndex, { keys }]) => (keep.has(itemIndex) ? [] : keys));
			// Kept items are recorded once more (repairing a row another process overwrote meanwhile), also
			// under the week the run ends in, so an item sent after a Monday midnight counts from that week.
			const weekNow = weekOf(clock());
			const again = [...new Set([...claimed].flatMap(([itemIndex, { identity, keys }]) => (keep.has(itemIndex) ? [keys[0], keyOf(identity, weekNow)] : [])))];
			if (!forget.length && !again.length) return;
			await serialised(queue, async () => {
				if (forget.length) await storeCall(ctx.getNode(), () => ctx.helpers.removeProcessed(forget, 'node', options));
				if (again.length) await storeCall(ctx.getNode(), () => ctx.helpers.checkProcessedAndRecord(again, 'node', options));
			});
		},
		get skipped() {
			return skipped;
		},
	};
}
