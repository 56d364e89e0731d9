import {
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { DEFAULT_PARALLEL_REQUESTS } from './actions/options';
import { DELIVERIES_DEFAULT_WINDOW_DAYS } from './contract/endpoints';
import { assertHost, DOCUMENTATION_URL, MAIN_CONNECTION } from './host';
import { currentState, type DeliveryEvent, legacySnapshots } from './monitoring/deliveryChanges';
import { currentStates, type DeliveryStates, markMemory, parseMemory, StatusCodes, statesMemory } from './monitoring/deliveryStates';
import { serialised } from './serialised';
import { watcherMemory } from './monitoring/memory';
import { deliveryEventOptions, eventItem, readChanges, readDeliveries, readWindowDays, readWindowParameter } from './monitoring/watch';
import { createClient, RequestGate } from './transport';
import { forEachBounded } from './transport/parallel';
import { normaliseId } from './validation/identifier';

/** How many deliveries a manual test run shows, so the user sees the data shape. */
const SAMPLE_SIZE = 10;

type SellerFailure = { sellerId: string; error: Error & { description?: string | null } };

export class CashInPartnerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cash-In Partner Trigger',
		name: 'cashInPartnerTrigger',
		icon: { light: 'file:cashInPartner.svg', dark: 'file:cashInPartner.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when an invoice delivery of one of your creditors fails or changes status',
		defaults: { name: 'Cash-In Partner Trigger' },
		documentationUrl: DOCUMENTATION_URL,
		builderHint: {
			searchHint: 'Starts a workflow when an invoice delivery of a Cash-In creditor fails or changes status (polling; for many creditors use Schedule Trigger + Cash-In Partner Invoice Delivery → Get Changes).',
			relatedNodes: [{ nodeType: 'n8n-nodes-cash-in-partner.cashInPartner', relationHint: 'Get Changes over a creditor sheet for large portfolios' }],
		},
		polling: true,
		inputs: [],
		outputs: [MAIN_CONNECTION, MAIN_CONNECTION],
		outputNames: ['Delivery Events', 'Creditors Not Read'],
		credentials: [{ name: 'cashInPartnerApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				options: deliveryEventOptions('poll'),
				default: 'deliveryFailed',
			},
			{
				displayName: 'Creditor IDs',
				name: 'sellerIds',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. c_8f2k1, c_9a3m2',
				hint: 'The creditorIds that Creditor → Create returned, separated by commas or new lines',
				description: 'The Cash-In IDs of the creditors whose invoice deliveries to watch',
			},
			readWindowParameter,
			{
				displayName: `Cash-In advises reading delivery information about once a day: set Poll Times to Every Day or Every Hour. Each poll reads the invoices of the last Read Window days (${DELIVERIES_DEFAULT_WINDOW_DAYS} by default) of each creditor. The first activation only records where each creditor stands; later polls report what changed since. A creditor that cannot be read comes out of the second output, "Creditors Not Read". For hundreds of creditors kept in a sheet or CRM, use a Schedule Trigger and the Cash-In Partner node's "Get Changes" (Invoice Delivery) instead.`,
				name: 'frequencyNotice',
				type: 'notice',
				default: '',
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		assertHost(this.getNode());
		const event = this.getNodeParameter('event') as DeliveryEvent;
		const sellerIds = readSellerIds(this);
		const windowDays = readWindowDays(this.getNodeParameter('readWindowDays', DELIVERIES_DEFAULT_WINDOW_DAYS));
		const api = createClient(this, { gate: new RequestGate({ maxInFlight: DEFAULT_PARALLEL_REQUESTS }) });

		if (this.getMode() === 'manual') {
			// The Test step: a few recent deliveries, so the data shape shows; nothing is remembered.
			const samples: INodeExecutionData[] = [];
			const failures: SellerFailure[] = [];
			for (const sellerId of sellerIds) {
				if (samples.length >= SAMPLE_SIZE) break;
				try {
					const recent = await readDeliveries(api, sellerId, event, undefined, SAMPLE_SIZE - samples.length, windowDays);
					samples.push(...recent.map((delivery) => ({ json: eventItem(event, sellerId, delivery) })));
				} catch (error) {
					failures.push({ sellerId, error: error as SellerFailure['error'] });
				}
			}
			return finishPoll.call(this, samples, failures, sellerIds);
		}

		// Polls of this trigger run one after another in this process: one that overlaps the last (slow
		// answers, a long 429 wait) starts from what the last one kept, and reports nothing twice.
		return await serialised(`${this.getWorkflow().id}/${this.getNode().id}`, async () => {
			const memory = watcherMemory(this);
			const stored = memory.stored;
			const previous = currentStates(stored, event);
			const older = previous ? undefined : currentState(stored, event);
			const legacy = previous || older ? undefined : legacySnapshots(stored);
			const codes = new StatusCodes([...(previous?.u ?? [])]);
			// Creditors not read this poll keep what they had (0.4.0's marks too, to be taken over when read).
			const states: Record<string, string> = previous ? { ...previous.sellers } : Object.fromEntries(Object.entries(older?.sellers ?? {}).map(([id, mark]) => [id, markMemory(mark)]));
			const events: INodeExecutionData[][] = sellerIds.map(() => []);
			const failures: SellerFailure[] = [];

			await forEachBounded(sellerIds.length, DEFAULT_PARALLEL_REQUESTS, async (index) => {
				const sellerId = sellerIds[index];
				try {
					const { changes, next } = await readChanges(api, { sellerId, event, windowDays, memory: parseMemory(event, states[sellerId]), legacy: legacy?.[sellerId], codes });
					states[sellerId] = statesMemory(windowDays, next);
					events[index] = changes.map((change) => ({ json: eventItem(event, sellerId, change.delivery, change.previousStatus) }));
				} catch (error) {
					// This seller's memory stays as it was, so its changes come with the next poll that reaches it.
					failures.push({ sellerId, error: error as SellerFailure['error'] });
				}
			});

			// Sellers no longer watched are forgotten, so the static data stays as small as the watch list.
			const next: DeliveryStates = { v: 3, event, u: codes.others, sellers: Object.fromEntries(sellerIds.filter((id) => states[id] !== undefined).map((id) => [id, states[id]])) };
			if (failures.length < sellerIds.length) memory.save(next as unknown as IDataObject);
			return finishPoll.call(this, events.flat(), failures, sellerIds);
		});
	}
}

/**
 * What a poll returns: events on the main output, unreadable sellers on the second, nothing (null) when
 * there is neither. When no seller could be read, the poll fails instead, so n8n records a failed
 * execution and runs the workflow's error workflow (a revoked key, Cash-In down).
 */
function finishPoll(this: IPollFunctions, found: INodeExecutionData[], failures: SellerFailure[], sellerIds: string[]): INodeExecutionData[][] | null {
	if (failures.length === sellerIds.length) {
		const { error } = failures[0];
		throw error instanceof NodeOperationError || error instanceof NodeApiError ? error : new NodeOperationError(this.getNode(), error);
	}
	for (const { sellerId, error } of failures) {
		this.logger.warn('Cash-In Partner Trigger: a seller could not be read', { sellerId, error: error.message });
	}
	const unreadable = failures
		.sort((a, b) => sellerIds.indexOf(a.sellerId) - sellerIds.indexOf(b.sellerId))
		.map(({ sellerId, error }) => ({ json: { sellerId, error: error.message, message: error.description ?? null } as IDataObject }));
	return found.length || unreadable.length ? [found, unreadable] : null;
}

/** The watch list, each ID checked before any request: a typo names itself instead of failing a read. */
function readSellerIds(ctx: IPollFunctions): string[] {
	const raw = String(ctx.getNodeParameter('sellerIds') ?? '')
		.split(/[\s,;]+/)
		.filter(Boolean);
	if (raw.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Creditor IDs is empty', { description: 'Enter at least one creditor ID to watch.' });
	}
	const ids = raw.map((id) => {
		const checked = normaliseId(id);
		if (!checked.ok) {
			throw new NodeOperationError(ctx.getNode(), `Invalid creditor ID ${JSON.stringify(id.slice(0, 40))} in Creditor IDs: expected ${checked.expected}`, {
				description: 'Separate the IDs with commas or new lines. Nothing was read from Cash-In.',
			});
		}
		return checked.value;
	});
	return [...new Set(ids)];
}
