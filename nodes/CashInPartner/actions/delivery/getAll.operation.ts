import { DateTime } from 'luxon';
import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	NodeOperationError,
	updateDisplayOptions,
} from 'n8n-workflow';

import { DELIVERIES_DEFAULT_WINDOW_DAYS, DELIVERY_STATUSES, FAILED_DELIVERY_STATUS } from '../../contract/endpoints';
import { type DeliveryFilters, deliveryPages } from '../../transport/deliveries';
import { creditorIdParameters, limitParameter, readId, returnAllParameter } from '../common';
import type { Effect, PreparedItem } from '../types';
import { simplifyDelivery } from './simplify';

const properties: INodeProperties[] = [
	// `sellerId`: Cash-In calls the creditor whose invoices it delivers the seller; the label says creditor.
	...creditorIdParameters('The Cash-In ID of the creditor whose invoice deliveries to read', 'sellerId'),
	returnAllParameter,
	limitParameter,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Invoice Date From',
				name: 'fromDate',
				type: 'dateTime',
				default: '',
				description: `First invoice date to include. Without dates, Cash-In returns the last ${DELIVERIES_DEFAULT_WINDOW_DAYS} days.`,
			},
			{
				displayName: 'Invoice Date To',
				name: 'toDate',
				type: 'dateTime',
				default: '',
				description: `Last invoice date to include. Without dates, Cash-In returns the last ${DELIVERIES_DEFAULT_WINDOW_DAYS} days.`,
			},
			{
				displayName: 'Invoice Number',
				name: 'invoiceNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2024-0001',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: DELIVERY_STATUSES.map(({ name, value }) => ({ name, value })),
				default: FAILED_DELIVERY_STATUS,
				description: 'Only deliveries with this status',
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return only the fields a person acts on (invoice number, case ID, channel, status, status message, recipient, updated at) instead of everything Cash-In returns',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['delivery'], operation: ['getAll'] } }, properties);

/** A date parameter as the API's YYYY-MM-DD; accepts what the date picker and expressions give. */
function toApiDate(ctx: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(String(value), { setZone: true });
	if (!date.isValid) {
		throw new NodeOperationError(ctx.getNode(), `Invalid ${label} "${String(value)}": expected a date such as 2026-11-01 [item ${itemIndex}]`, { itemIndex });
	}
	return date.toISODate() ?? undefined;
}

export function readDeliveryFilters(ctx: IExecuteFunctions, itemIndex: number): DeliveryFilters {
	const raw = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const filters: DeliveryFilters = {
		fromDate: toApiDate(ctx, raw.fromDate, 'Invoice Date From', itemIndex),
		toDate: toApiDate(ctx, raw.toDate, 'Invoice Date To', itemIndex),
		status: raw.status as string | undefined,
		invoiceNumber: typeof raw.invoiceNumber === 'string' ? raw.invoiceNumber.trim() : undefined,
	};
	if (filters.fromDate && filters.toDate && filters.fromDate > filters.toDate) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Invoice Date From (${filters.fromDate}) is after Invoice Date To (${filters.toDate}) [item ${itemIndex}]`,
			{ itemIndex, description: 'Swap the two dates.' },
		);
	}
	return filters;
}

export const effect: Effect = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const sellerId = readId(this, 'sellerId', itemIndex, 'Creditor ID');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.POSITIVE_INFINITY : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const filters = readDeliveryFilters(this, itemIndex);
	return {
		async send(api) {
			const output: IDataObject[] = [];
			for await (const page of deliveryPages(api, { sellerId, filters, limit, itemIndex })) {
				for (const delivery of page) output.push({ sellerId, ...(simplify ? simplifyDelivery(delivery) : delivery) });
			}
			return { json: output };
		},
	};
}
