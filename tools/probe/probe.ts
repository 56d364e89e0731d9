/**
 * The contract probe: calls a real Cash-In API (a partner's sandbox) with the paths, queries and schemas
 * of the contract module, and reports every place where the answers differ from the contract, each with
 * the contract entry (file and field) to change. Read-only unless `write` is set. n8n-free: plain fetch.
 */
import * as endpointsModule from '../../nodes/CashInPartner/contract/endpoints';
import {
	DELIVERIES_FIRST_PAGE,
	DELIVERIES_MAX_PAGE_SIZE,
	DELIVERY_QUERY,
	ENDPOINTS,
	type EndpointName,
	API_KEY_HEADER,
	pathOf,
} from '../../nodes/CashInPartner/contract/endpoints';
import * as schemasModule from '../../nodes/CashInPartner/contract/schemas';
import { compareWithSchema, type Finding } from './compare';

const ENDPOINTS_FILE = 'nodes/CashInPartner/contract/endpoints.ts';
const SCHEMAS_FILE = 'nodes/CashInPartner/contract/schemas.ts';

export interface ProbeOptions {
	baseUrl: string;
	apiKey: string;
	creditorId?: string;
	sellerId?: string;
	/** Also the calls that change something: an update that sends back `creditorEmail`, and one SMS to `smsTo`. */
	write?: boolean;
	creditorEmail?: string;
	smsTo?: string;
	timeoutMs?: number;
	/** Sees every response body, e.g. to collect the secrets in it for masking. */
	onBody?: (body: unknown) => void;
}

export interface ReportedFinding extends Finding {
	/** Where to change the contract, e.g. `nodes/CashInPartner/contract/schemas.ts › deliveriesPageSchema.metaData.pageSize`. */
	contractEntry: string;
}

export interface EndpointReport {
	/** What was checked, e.g. `GET /partner/sellers/{sellerId}/deliveries (page 2)`. */
	check: string;
	endpoint: EndpointName;
	reachable: boolean;
	status?: number;
	ms: number;
	findings: ReportedFinding[];
	/** Set when the check could not be judged, or passed with a remark (e.g. paging not checked). */
	note?: string;
	/** The API refused the key (401/403): nothing about the contract can be said, and the probe fails. */
	keyRefused?: boolean;
}

export interface ProbeReport {
	baseUrl: string;
	startedAt: string;
	checks: EndpointReport[];
	matches: boolean;
}

/** The exported name of each response schema in schemas.ts, found by identity: nothing is spelled twice. */
const schemaName = (schema: unknown) => Object.entries(schemasModule).find(([, value]) => value === schema)?.[0] ?? 'schema';

/** The contract constant listing an enum's values (e.g. DELIVERY_STATUSES), found by comparing the values. */
function enumConstantFor(values: string[]): string | undefined {
	const key = [...values].sort().join(',');
	for (const [name, value] of Object.entries(endpointsModule)) {
		if (!Array.isArray(value)) continue;
		const spelled = value.map((entry: unknown) => (typeof entry === 'string' ? entry : (entry as { value?: string })?.value)).filter(Boolean) as string[];
		if (spelled.length && [...spelled].sort().join(',') === key) return name;
	}
	return undefined;
}

function contractEntryOf(schema: unknown, finding: Finding): string {
	if (finding.kind === 'enum') {
		const known = /\(([^)]*)\)$/.exec(finding.detail)?.[1].split(', ') ?? [];
		const constant = enumConstantFor(known);
		if (constant) return `${ENDPOINTS_FILE} › ${constant}`;
	}
	return `${SCHEMAS_FILE} › ${schemaName(schema)}${finding.path ? `.${finding.path}` : ''}`;
}

interface Answer {
	status?: number;
	body?: unknown;
	ms: number;
	error?: string;
}

/**
 * The page to check the end of paging with: a page size within the contract's bounds that spreads
 * `totalCount` (2 or more) over at least two pages, the number of the last page, and what it must hold.
 */
export function lastPageOf(totalCount: number): { size: number; last: number; expected: number } {
	const size = Math.min(DELIVERIES_MAX_PAGE_SIZE, Math.ceil(totalCount / 2));
	const pages = Math.ceil(totalCount / size);
	return { size, last: DELIVERIES_FIRST_PAGE + pages - 1, expected: totalCount - (pages - 1) * size };
}

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
	const base = options.baseUrl.replace(/\/+$/, '');
	const checks: EndpointReport[] = [];
	const timeoutMs = options.timeoutMs ?? 30_000;

	async function call(endpoint: EndpointName, params: Record<string, string> = {}, init: { query?: Record<string, string | number>; body?: unknown } = {}): Promise<Answer> {
		const { method } = ENDPOINTS[endpoint];
		const url = new URL(base + pathOf(ENDPOINTS[endpoint], params));
		for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, String(value));
		const started = performance.now();
		try {
			const response = await fetch(url, {
				method,
				headers: { [API_KEY_HEADER]: options.apiKey, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
				body: init.body ? JSON.stringify(init.body) : undefined,
				signal: AbortSignal.timeout(timeoutMs),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				// Not JSON: kept as text, reported as a type difference where JSON was expected.
			}
			options.onBody?.(body);
			return { status: response.status, body, ms: Math.round(performance.now() - started) };
		} catch (error) {
			const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
			return { ms: Math.round(performance.now() - started), error: cause };
		}
	}

	const label = (endpoint: EndpointName, suffix = '') => `${ENDPOINTS[endpoint].method} ${ENDPOINTS[endpoint].template}${suffix}`;

	/** One check: reachable, the expected status, then the body against its schema. */
	function judge(endpoint: EndpointName, answer: Answer, expect: { status: number | number[]; schema?: unknown; suffix?: string }): EndpointReport {
		const report: EndpointReport = { check: label(endpoint, expect.suffix), endpoint, reachable: answer.status !== undefined, status: answer.status, ms: answer.ms, findings: [] };
		const expected = ([] as number[]).concat(expect.status);
		const entryOfPath = `${ENDPOINTS_FILE} › ENDPOINTS.${endpoint} (${ENDPOINTS[endpoint].method} ${ENDPOINTS[endpoint].template})`;
		if (answer.status === undefined) {
			report.findings.push({ kind: 'type', path: '', detail: `no answer (${answer.error})`, contractEntry: entryOfPath });
		} else if (answer.status === 404 && !expected.includes(404)) {
			report.findings.push({ kind: 'missing', path: '', detail: 'the path answers 404 Not Found: the API may use another path or method', contractEntry: entryOfPath });
		} else if (answer.status === 401 || answer.status === 403) {
			report.keyRefused = true;
			report.note = answer.status === 401 ? 'the key was not accepted' : 'the key may not use this endpoint';
		} else if (!expected.includes(answer.status)) {
			report.findings.push({ kind: 'type', path: '', detail: `HTTP ${answer.status}, expected ${expected.join(' or ')}`, contractEntry: entryOfPath });
		} else if (expect.schema) {
			for (const finding of compareWithSchema(expect.schema as never, answer.body)) report.findings.push({ ...finding, contractEntry: contractEntryOf(expect.schema, finding) });
		}
		checks.push(report);
		return report;
	}

	// 1. The key. Nothing else can be judged if it is refused.
	const validation = judge('validateKey', await call('validateKey'), { status: 200 });
	if (validation.note || !validation.reachable) return finish();

	// 2. The error body, from a creditor that cannot exist (read-only, no ID needed).
	const missingId = 'contract-probe-no-such-creditor';
	const errorAnswer = await call('getCreditorCredentials', { creditorId: missingId });
	const errorCheck = judge('getCreditorCredentials', errorAnswer, { status: 404, schema: schemasModule.errorBodySchema, suffix: ' (unknown creditor: error body)' });
	if (errorAnswer.status === 404 && (typeof errorAnswer.body !== 'object' || errorAnswer.body === null || !('message' in errorAnswer.body))) {
		errorCheck.findings.push({ kind: 'missing', path: 'message', detail: "the error body has no \"message\": users would see errors without the API's explanation", contractEntry: `${SCHEMAS_FILE} › errorBodySchema.message` });
	}

	if (options.creditorId) {
		const params = { creditorId: options.creditorId };
		judge('getCreditorCredentials', await call('getCreditorCredentials', params), { status: 200, schema: schemasModule.creditorCredentialsSchema });
		judge('getCreditorAgreements', await call('getCreditorAgreements', params), { status: 200, schema: schemasModule.agreementsResponseSchema });
	}

	if (options.sellerId) await probeDeliveries(options.sellerId);

	if (options.write) {
		if (options.creditorId && options.creditorEmail) {
			judge('updateCreditor', await call('updateCreditor', { creditorId: options.creditorId }, { body: { creditor: { email: options.creditorEmail } } }), { status: 200, schema: schemasModule.storedCreditorSchema });
		}
		if (options.smsTo) {
			const body = { recipient: options.smsTo, message: 'Cash-In contract probe: a test message from the n8n Cash-In Partner package.', reference: `PROBE-${Date.now()}` };
			judge('sendSms', await call('sendSms', {}, { body }), { status: [200, 201], schema: schemasModule.sendSmsResponseSchema });
		}
	}
	return finish();

	/**
	 * One page at the node's page size, then the last page at a page size that splits the deliveries over at
	 * least two pages — never above the contract's maximum, so a seller with 1,234 deliveries is read as
	 * 500 + 500 + 234, not asked for pages of 617 that a correct API refuses.
	 */
	async function probeDeliveries(sellerId: string) {
		const page = (number: number, size: number) =>
			call('getSellerDeliveries', { sellerId }, { query: { [DELIVERY_QUERY.page]: number, [DELIVERY_QUERY.pageSize]: size } });
		const first = await page(DELIVERIES_FIRST_PAGE, DELIVERIES_MAX_PAGE_SIZE);
		const report = judge('getSellerDeliveries', first, { status: 200, schema: schemasModule.deliveriesPageSchema, suffix: ` (page ${DELIVERIES_FIRST_PAGE}, ${DELIVERIES_MAX_PAGE_SIZE} per page)` });
		const parsed = schemasModule.deliveriesPageSchema.safeParse(first.body);
		if (first.status !== 200 || !parsed.success) return;
		const { totalCount, pageSize } = parsed.data.metaData;
		const got = parsed.data.deliveries.length;
		// The watchers tell one change of a delivery from the next by `updatedAt` when runs overlap, and take
		// over 0.4.0's memory by it: it must be there, as a time Date.parse reads (ISO 8601).
		const unreadable = parsed.data.deliveries.filter((delivery) => delivery.updatedAt === undefined || Number.isNaN(Date.parse(delivery.updatedAt)));
		if (unreadable.length) {
			report.findings.push({
				kind: 'type',
				path: 'deliveries[].updatedAt',
				detail: `${unreadable.length} of ${got} deliveries have no readable updatedAt (e.g. ${JSON.stringify(unreadable[0].updatedAt ?? null)}): the watchers assume an ISO 8601 time (docs/contract.md)`,
				contractEntry: 'nodes/CashInPartner/contract/schemas.ts › deliverySchema.updatedAt',
			});
		}
		const pageSizeEntry = `${ENDPOINTS_FILE} › DELIVERIES_MAX_PAGE_SIZE (${DELIVERIES_MAX_PAGE_SIZE})`;
		if (pageSize !== DELIVERIES_MAX_PAGE_SIZE || got < Math.min(DELIVERIES_MAX_PAGE_SIZE, totalCount)) {
			report.findings.push({
				kind: 'type',
				path: 'metaData.pageSize',
				detail: `page size not honoured: asked for ${DELIVERIES_MAX_PAGE_SIZE}, got ${got} deliveries (metaData.pageSize ${pageSize}, totalCount ${totalCount}); the node would stop reading after the first page`,
				contractEntry: pageSizeEntry,
			});
			return;
		}
		if (totalCount < 2) {
			report.note = `paging not checked: the seller has ${totalCount} deliveries in the default window (2 or more needed)`;
			return;
		}
		const { size, last, expected } = lastPageOf(totalCount);
		const lastAnswer = await page(last, size);
		const lastReport = judge('getSellerDeliveries', lastAnswer, { status: 200, schema: schemasModule.deliveriesPageSchema, suffix: ` (page ${last}, ${size} per page)` });
		const lastPage = schemasModule.deliveriesPageSchema.safeParse(lastAnswer.body);
		if (lastAnswer.status === 200 && lastPage.success && lastPage.data.deliveries.length !== expected) {
			lastReport.findings.push({
				kind: 'type',
				path: 'deliveries',
				detail: `the last page held ${lastPage.data.deliveries.length} deliveries, expected ${expected} (${totalCount} in all, ${size} per page): pages may be numbered from 0 or counted differently`,
				contractEntry: `${ENDPOINTS_FILE} › DELIVERIES_FIRST_PAGE (${DELIVERIES_FIRST_PAGE})`,
			});
		}
	}

	function finish(): ProbeReport {
		return { baseUrl: base, startedAt: new Date().toISOString(), checks, matches: checks.every((c) => c.findings.length === 0 && !c.keyRefused) };
	}
}
