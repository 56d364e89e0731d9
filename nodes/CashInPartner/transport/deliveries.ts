/**
 * Paging through a seller's deliveries, one page at a time: a page is handed on and dropped before the
 * next is fetched, so memory holds only what the caller keeps. Used by Get Many and by the trigger.
 */
import type { IDataObject } from 'n8n-workflow';

import { DELIVERIES_FIRST_PAGE, DELIVERIES_MAX_PAGE_SIZE, DELIVERY_QUERY, ENDPOINTS } from '../contract/endpoints';
import { type Delivery, deliveriesPageSchema } from '../contract/schemas';
import type { CashInClient } from './index';

export interface DeliveryFilters {
	/** YYYY-MM-DD; without dates the API returns the last 30 days. */
	fromDate?: string;
	toDate?: string;
	status?: string;
	invoiceNumber?: string;
}

export interface DeliveryPageRequest {
	sellerId: string;
	filters: DeliveryFilters;
	/** Stop after this many deliveries (Infinity for all). */
	limit: number;
	/** The input item (absent for the trigger, whose poll has no items). */
	itemIndex?: number;
}

export async function* deliveryPages(api: CashInClient, request: DeliveryPageRequest): AsyncGenerator<Delivery[]> {
	const { sellerId, filters, limit, itemIndex } = request;
	const query: IDataObject = {};
	for (const [name, value] of Object.entries(filters)) {
		if (value !== undefined && value !== '') query[DELIVERY_QUERY[name as keyof DeliveryFilters]] = value;
	}
	let remaining = limit;
	for (let page = DELIVERIES_FIRST_PAGE; remaining > 0; page++) {
		const pageSize = Math.min(DELIVERIES_MAX_PAGE_SIZE, remaining);
		const response = await api.read({
			endpoint: ENDPOINTS.getSellerDeliveries,
			pathParams: { sellerId },
			query: { ...query, [DELIVERY_QUERY.page]: page, [DELIVERY_QUERY.pageSize]: pageSize },
			itemIndex,
			subject: `seller ID "${sellerId}"`,
			// Page 1 failing is simply the call failing; later pages say where the run stopped.
			step: page > DELIVERIES_FIRST_PAGE ? `reading page ${page} of the deliveries` : undefined,
			response: deliveriesPageSchema,
			responseLabel: 'a page of deliveries',
		});
		const deliveries = response.deliveries.slice(0, remaining);
		remaining -= deliveries.length;
		if (deliveries.length) yield deliveries;
		const seen = (page - DELIVERIES_FIRST_PAGE) * pageSize + response.deliveries.length;
		if (seen >= response.metaData.totalCount) return;
		if (response.deliveries.length < pageSize) {
			// A short page before the count is reached: Cash-In pages differently than the contract says (a
			// smaller page size). Reading on would skip deliveries; a watcher would take them for gone.
			if (limit === Number.POSITIVE_INFINITY) {
				throw new Error(
					`Cash-In counts ${response.metaData.totalCount} deliveries for seller ID "${sellerId}" but its page ${page} held ${response.deliveries.length} where ${pageSize} were asked for: the node cannot read them all (npm run probe shows what differs)`,
				);
			}
			return;
		}
	}
}
