import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_QUERY } from '../../nodes/CashInPartner/contract/endpoints';
import { makeDeliveries } from '../../emulator/seed';
import { errorMatrix } from '../harness/errorMatrix';
import { jsonOf, pairingOf, run, TODAY, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const SELLERS = { big: 'c_seller_big', small: 'c_seller_small', other: 'c_seller_other' };
const BIG_COUNT = 2300;

beforeAll(() => {
	emulator().state.addDeliveries(SELLERS.big, makeDeliveries(BIG_COUNT, { today: TODAY, seed: 7, perDay: 80, prefix: 'BIG' }));
	emulator().state.addDeliveries(SELLERS.small, makeDeliveries(40, { today: TODAY, seed: 8, perDay: 2, prefix: 'SMALL', failedShare: 0.25 }));
	emulator().state.addDeliveries(SELLERS.other, makeDeliveries(900, { today: TODAY, seed: 9, perDay: 30, prefix: 'OTHER' }));
});

const getMany = (sellerId: string, extra: IDataObject = {}) => ({ resource: 'delivery', operation: 'getAll', sellerId, ...extra });
const pagesRequested = () => emulator().requestsTo('getSellerDeliveries').map((r) => Number(r.query[DELIVERY_QUERY.page]));

describe('Seller Delivery → Get Many', () => {
	test(`Return All returns every one of ${BIG_COUNT} deliveries exactly once, over 5 pages of 500`, async () => {
		const result = await run(emulator(), { parameters: getMany(SELLERS.big, { returnAll: true }) });
		const out = jsonOf(result);
		expect(out).toHaveLength(BIG_COUNT);
		expect(new Set(out.map((d) => d.invoiceNumber)).size).toBe(BIG_COUNT);
		expect(pagesRequested()).toEqual([1, 2, 3, 4, 5]);
		expect(emulator().requestsTo('getSellerDeliveries').every((r) => r.query[DELIVERY_QUERY.pageSize] === '500')).toBe(true);
		expect(pairingOf(result).every((p) => (p as { item: number }).item === 0)).toBe(true);
	});

	test('Limit stops paging early: 120 takes one page of 120, 700 takes 500 + 200', async () => {
		const small = await run(emulator(), { parameters: getMany(SELLERS.big, { returnAll: false, limit: 120 }) });
		expect(jsonOf(small)).toHaveLength(120);
		expect(emulator().requestsTo('getSellerDeliveries').map((r) => [r.query.page, r.query.pageSize])).toEqual([['1', '120']]);
		emulator().requests.length = 0;
		const larger = await run(emulator(), { parameters: getMany(SELLERS.big, { returnAll: false, limit: 700 }) });
		expect(jsonOf(larger)).toHaveLength(700);
		expect(emulator().requestsTo('getSellerDeliveries').map((r) => [r.query.page, r.query.pageSize])).toEqual([
			['1', '500'],
			['2', '200'],
		]);
	});

	test('filters arrive as the contract\'s query names, dates as YYYY-MM-DD', async () => {
		await run(emulator(), {
			parameters: getMany(SELLERS.small, {
				returnAll: true,
				filters: { fromDate: '2026-11-01T00:00:00', toDate: '2026-11-20T23:59:59', status: 'FAILED', invoiceNumber: ' SMALL-000003 ' },
			}),
		});
		expect(emulator().requestsTo('getSellerDeliveries')[0].query).toEqual({
			fromInvDate: '2026-11-01',
			toInvDate: '2026-11-20',
			status: 'FAILED',
			invoiceNumber: 'SMALL-000003',
			page: '1',
			pageSize: '500',
		});
	});

	test('the status filter returns only those deliveries', async () => {
		const result = await run(emulator(), { parameters: getMany(SELLERS.small, { returnAll: true, filters: { status: 'FAILED' } }) });
		const expected = emulator().state.deliveries.get(SELLERS.small)!.filter((d) => d.status === 'FAILED').length;
		expect(expected).toBeGreaterThan(0);
		expect(jsonOf(result)).toHaveLength(expected);
		expect(jsonOf(result).every((d) => d.status === 'FAILED')).toBe(true);
	});

	test('Simplify keeps the fields a person acts on; off returns everything Cash-In sent', async () => {
		emulator().addFault({
			endpoint: 'getSellerDeliveries',
			times: 2,
			fault: {
				kind: 'status',
				status: 200,
				body: {
					metaData: { totalCount: 1, page: 1, pageSize: 500 },
					deliveries: [{ invoiceNumber: 'X-1', caseId: 'CI-1', channel: 'EMAIL', status: 'FAILED', statusMessage: 'Mailbox unavailable', recipient: 'a@b.fi', updatedAt: '2026-11-02T08:15:00Z', attempts: 3 }],
				},
			},
		});
		const simple = await run(emulator(), { parameters: getMany(SELLERS.small, { returnAll: true }) });
		expect(jsonOf(simple)).toEqual([
			{ sellerId: SELLERS.small, invoiceNumber: 'X-1', caseId: 'CI-1', channel: 'EMAIL', status: 'FAILED', statusMessage: 'Mailbox unavailable', recipient: 'a@b.fi', updatedAt: '2026-11-02T08:15:00Z' },
		]);
		const full = await run(emulator(), { parameters: getMany(SELLERS.small, { returnAll: true, simplify: false }) });
		expect(jsonOf(full)[0]).toMatchObject({ attempts: 3 });
	});

	test('an error on page 3 stops paging and says which page failed', async () => {
		emulator().addFault({ endpoint: 'getSellerDeliveries', query: { page: '3' }, fault: { kind: 'status', status: 404, body: { message: 'gone' } } });
		const result = await run(emulator(), { parameters: getMany(SELLERS.big, { returnAll: true }) });
		expect(result.error?.message).toBe(`Cash-In has nothing for seller ID "${SELLERS.big}" (while reading page 3 of the deliveries) [item 0]`);
		expect(pagesRequested()).toEqual([1, 2, 3]);
	});

	test('several sellers as items: each one\'s deliveries are paired with its item', async () => {
		const result = await run(emulator(), {
			parameters: getMany('={{ $json.seller }}', { returnAll: false, limit: 3 }),
			items: [{ seller: SELLERS.small }, { seller: SELLERS.other }],
		});
		expect(jsonOf(result).map((d) => d.sellerId)).toEqual([SELLERS.small, SELLERS.small, SELLERS.small, SELLERS.other, SELLERS.other, SELLERS.other]);
		expect(pairingOf(result)).toEqual([0, 0, 0, 1, 1, 1].map((item) => ({ item })));
	});

	test('dates the wrong way round are refused before calling', async () => {
		const result = await run(emulator(), { parameters: getMany(SELLERS.small, { filters: { fromDate: '2026-11-20', toDate: '2026-11-01' } }) });
		expect(result.error?.message).toBe('Invoice Date From (2026-11-20) is after Invoice Date To (2026-11-01) [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});
});

errorMatrix(emulator, { endpoint: 'getSellerDeliveries', parameters: () => getMany(SELLERS.small, { returnAll: false, limit: 5 }) });
