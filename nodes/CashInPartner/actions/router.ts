/**
 * The item loop of the Cash-In Partner node, in one place for every operation: dispatch to the
 * operation, bounded parallel requests through one request gate per execution, output in input order,
 * `pairedItem` on every item, and continue-on-fail with n8n's error-item shape.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { createClient, RequestGate } from '../transport';
import * as agreement from './agreement';
import * as creditor from './creditor';
import * as creditorCredential from './creditorCredential';
import * as delivery from './delivery';
import type { CashInPartnerType, ResourceName } from './node.type';
import { readRequestOptions } from './options';
import * as sms from './sms';
import type { Operation } from './types';

const resources: Record<ResourceName, Record<string, Operation>> = {
	agreement,
	creditor,
	creditorCredential,
	delivery,
	sms,
} as unknown as Record<ResourceName, Record<string, Operation>>;

/** Runs `task` for 0..count-1 with at most `parallel` running; stops starting new ones once `stop()` is true. */
async function forEachBounded(count: number, parallel: number, task: (index: number) => Promise<void>, stop: () => boolean) {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as ResourceName;
	const operation = this.getNodeParameter('operation', 0) as CashInPartnerType['operation'];
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const { parallelRequests, timeoutMs } = readRequestOptions(this);
	const api = createClient(this, { timeoutMs, gate: new RequestGate({ maxInFlight: parallelRequests }) });

	const results: INodeExecutionData[][] = new Array(items.length);
	let failure: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;

	await forEachBounded(
		items.length,
		parallelRequests,
		async (itemIndex) => {
			try {
				const data = await handler.execute.call(this, itemIndex, api);
				results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(data as IDataObject | IDataObject[]), {
					itemData: { item: itemIndex },
				});
			} catch (caught) {
				const error = asNodeError(this, caught, itemIndex);
				if (this.continueOnFail()) {
					const json: IDataObject = { error: error.message };
					if (error.description) json.details = error.description;
					results[itemIndex] = [{ json, pairedItem: { item: itemIndex } }];
				} else if (!failure || itemIndex < failure.itemIndex) {
					failure = { itemIndex, error };
				}
			}
		},
		// Without continue-on-fail the first error ends the run: start no new item, let started ones finish.
		() => failure !== undefined,
	);

	if (failure) throw failure.error;
	return [results.flat()];
}
