/**
 * The Cash-In Partner API as this package understands it: base URL, auth header, every method, path,
 * query name and enum. Facts tagged [assumed] in the contract document live only here, so a partner with
 * the real reference corrects them in this one file; node, emulator and tests all import it.
 * Source: shared/cash-in-partner-api.md.
 */

/** [doc] */
export const PRODUCTION_BASE_URL = 'https://api.cash-in.com/v2';
/** [doc] header name, sent with no prefix. */
export const API_KEY_HEADER = 'X-Api-Key';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface Endpoint {
	readonly method: HttpMethod;
	/** Path below the base URL; `{name}` marks a path parameter. */
	readonly template: string;
}

/** [doc] purposes and GET of validate; [assumed] every other method and path. */
export const ENDPOINTS = {
	validateKey: { method: 'GET', template: '/token/validate' },
	createCreditor: { method: 'POST', template: '/partner/creditors' },
	updateCreditor: { method: 'PUT', template: '/partner/creditors/{creditorId}' },
	getCreditorCredentials: { method: 'GET', template: '/partner/creditors/{creditorId}/credentials' },
	getCreditorAgreements: { method: 'GET', template: '/partner/creditors/{creditorId}/agreements' },
	getSellerDeliveries: { method: 'GET', template: '/partner/sellers/{sellerId}/deliveries' },
	sendSms: { method: 'POST', template: '/partner/sms' },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/**
 * Fills a template's `{name}` parameters. Each is URL-encoded (a `/`, `?` or `#` in it becomes part of the
 * value), and `.` and `..` — which encoding leaves as they are and a URL resolves as path steps — are
 * refused, so a parameter can never change which endpoint the request reaches. (Operations check IDs
 * with a clear message before this; this is the last line.)
 */
export function pathOf(endpoint: Endpoint, params: Record<string, string> = {}): string {
	return endpoint.template.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`Path parameter "${name}" missing for ${endpoint.template}`);
		if (value === '' || value === '.' || value === '..') throw new Error(`Path parameter "${name}" may not be "${value}"`);
		return encodeURIComponent(value);
	});
}

/** Query parameters of the seller deliveries endpoint. [sibling] date filter names; [assumed] the rest. */
export const DELIVERY_QUERY = {
	fromDate: 'fromInvDate',
	toDate: 'toInvDate',
	invoiceNumber: 'invoiceNumber',
	status: 'status',
	page: 'page',
	pageSize: 'pageSize',
} as const;

/** [assumed] */
export const DELIVERIES_FIRST_PAGE = 1;
/** [assumed] */
export const DELIVERIES_MAX_PAGE_SIZE = 500;
/** [doc-ish] without dates the API returns the last 30 days. */
export const DELIVERIES_DEFAULT_WINDOW_DAYS = 30;

/** [sibling] LIFECYCLE; [assumed] spellings of the other documented service kinds. */
export const SERVICE_TYPES = [
	{ value: 'COOP', name: 'Co-Op' },
	{ value: 'DEBT_COLLECTION', name: 'Debt Collection' },
	{ value: 'INTERMEDIATION', name: 'Invoice Intermediation' },
	{ value: 'LIFECYCLE', name: 'Invoice Lifecycle' },
] as const;

/** [sibling] roles; [assumed] spellings. */
export const CONTACT_ROLES = [
	{ value: 'ACCOUNTANT', name: 'Accountant' },
	{ value: 'PRIMARY', name: 'Primary' },
	{ value: 'TECHNICAL', name: 'Technical' },
] as const;
export const PRIMARY_CONTACT_ROLE = 'PRIMARY';

/** [assumed] */
export const DELIVERY_STATUSES = [
	{ value: 'DELIVERED', name: 'Delivered' },
	{ value: 'FAILED', name: 'Failed' },
	{ value: 'PENDING', name: 'Pending' },
] as const;
export const FAILED_DELIVERY_STATUS = 'FAILED';

/** [assumed] */
export const SMS_REPORT_STATUSES = ['DELIVERED', 'PENDING', 'FAILED'] as const;

/** [assumed] environment names as the API spells them in credential responses. */
export const API_ENVIRONMENTS = ['PRODUCTION', 'SANDBOX'] as const;

/** [assumed] 10 concatenated segments: 1,530 GSM-7 characters or 670 UCS-2. */
export const SMS_MAX_SEGMENTS = 10;
/** [assumed] alphanumeric sender ID length. */
export const SMS_SENDER_MAX_LENGTH = 11;
/** [assumed] */
export const SMS_REFERENCE_MAX_LENGTH = 64;

/** [assumed] the header a 429 carries: seconds or an HTTP date. */
export const RETRY_AFTER_HEADER = 'retry-after';

type Values<T extends ReadonlyArray<{ value: string }>> = T[number]['value'];
export const valuesOf = <T extends ReadonlyArray<{ value: string }>>(options: T) =>
	options.map((option) => option.value) as [Values<T>, ...Array<Values<T>>];
