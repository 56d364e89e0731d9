/**
 * The Cash-In emulator: a node:http server on 127.0.0.1 that implements the contract module's endpoints
 * with state, checks the X-Api-Key header like the real API (partner key accepted, a creditor's key
 * refused with 403), validates bodies with the contract's wire schemas, injects faults, and records
 * every request for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
	API_KEY_HEADER,
	DELIVERIES_DEFAULT_WINDOW_DAYS,
	DELIVERIES_MAX_PAGE_SIZE,
	DELIVERY_QUERY,
	DELIVERY_STATUSES,
	ENDPOINTS,
	type EndpointName,
	PRODUCTION_BASE_URL,
	valuesOf,
} from '../nodes/CashInPartner/contract/endpoints';
import { createCreditorBody, sendSmsBody, updateCreditorBody } from '../nodes/CashInPartner/contract/schemas';
import { canonicalBody, type FieldIssue, matchPath } from './contract';
import { type Fault, FaultInjector, type FaultRule } from './faults';
import { seededRandom } from './random';
import { businessIdFor, makeDeliveries, seedDemo } from './seed';
import { EmulatorState } from './state';

export interface EmulatorOptions {
	partnerKey?: string;
	port?: number;
	/** Delay before every answer, in ms: the mean when `latencySpreadMs` is set (and no larger than this). */
	latencyMs?: number;
	/**
	 * Each answer's delay drawn evenly from latencyMs ± this (seeded, so a run repeats): a real API does not
	 * answer every request in the same time, and a fixed delay makes answers to requests sent together
	 * arrive together, in bunches no real client sees.
	 */
	latencySpreadMs?: number;
	/** Requests the API holds at once; more get 429 with `Retry-After`. */
	maxInFlight?: number;
	retryAfter?: string;
	environment?: 'PRODUCTION' | 'SANDBOX';
	/** "Today" for the default delivery window, YYYY-MM-DD. */
	today?: string;
	/** Keep the request log (default); off for long benchmark runs, so memory stays flat. */
	recordRequests?: boolean;
}

/**
 * Ways the real API may differ from the contract, for the contract probe's tests: the emulator then answers
 * as such an API would. `path` is a dot path in the response body, `[]` for every element of a list.
 */
export type Drift =
	| { kind: 'renameField'; endpoint: EndpointName; path: string; to: string }
	| { kind: 'pathGone'; endpoint: EndpointName }
	| { kind: 'enumValue'; endpoint: EndpointName; path: string; value: string }
	/** Pages hold at most `value` deliveries, whatever page size was asked for (no error). */
	| { kind: 'maxPageSize'; value: number }
	/** Error bodies as `{ error: { code, detail } }` instead of `{ message, code, errors }`. */
	| { kind: 'errorShape' }
	/** Success bodies hold only these top-level fields (e.g. an API answering an SMS with just its id). */
	| { kind: 'keepOnly'; endpoint: EndpointName; fields: string[] }
	/** Success bodies gain these fields at `path` ('' for the top level), e.g. a secret Cash-In adds later. */
	| { kind: 'addFields'; endpoint: EndpointName; path: string; fields: Record<string, unknown> };

export type AuthKind = 'partner' | 'creditor' | 'invalid' | 'missing';

export interface RecordedRequest {
	seq: number;
	method: string;
	path: string;
	endpoint?: EndpointName;
	params: Record<string, string>;
	query: Record<string, string>;
	body: unknown;
	rawBody: string;
	auth: AuthKind;
	status?: number;
	fault?: Fault['kind'];
	/** The `Via` header, when a proxy forwarded the request. */
	via?: string;
	/** Whether the emulator carried the request out (created, updated, sent). */
	acted: boolean;
	/** When it arrived and when it was answered (ms since the epoch), for throughput against a limit. */
	receivedAt: number;
	answeredAt?: number;
}

const BASE_PATH = new URL(PRODUCTION_BASE_URL).pathname;
const CONTROL_PATH = '/__emulator';
/** The latency spread's seed: the same run draws the same delays. */
const LATENCY_SEED = 20261207;

export const DEFAULT_PARTNER_KEY = 'pk_test_partner_9f8e7d6c5b4a';

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; acted?: boolean };

const json = (status: number, body: unknown, acted = false): Reply => ({ status, body, acted });
const fieldErrors = (issues: FieldIssue[]): Reply =>
	json(400, { message: 'Validation failed', code: 'VALIDATION_ERROR', errors: issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class Emulator {
	readonly state: EmulatorState;
	readonly faults = new FaultInjector();
	readonly requests: RecordedRequest[] = [];
	readonly drifts: Drift[] = [];
	partnerKey: string;
	latencyMs: number;
	latencySpreadMs: number;
	maxInFlight: number;
	retryAfter: string;
	private inFlight = 0;
	/** The most requests held at once since the start or the last config change. */
	peakInFlight = 0;
	private server: Server | undefined;
	private readonly sockets = new Set<Socket>();
	private origin = '';

	constructor(private readonly options: EmulatorOptions = {}) {
		this.partnerKey = options.partnerKey ?? DEFAULT_PARTNER_KEY;
		this.latencyMs = options.latencyMs ?? 0;
		this.latencySpreadMs = options.latencySpreadMs ?? 0;
		this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
		this.retryAfter = options.retryAfter ?? '1';
		const today = options.today;
		this.state = new EmulatorState(options.environment ?? 'SANDBOX', () => (today ? new Date(`${today}T12:00:00Z`) : new Date()));
	}

	/** The base URL to put in the credential, e.g. http://127.0.0.1:40123/v2 */
	get baseUrl(): string {
		return this.origin + BASE_PATH;
	}

	get controlUrl(): string {
		return this.origin + CONTROL_PATH;
	}

	/** The demo world `npm start` shows. */
	seedDemo(): void {
		seedDemo(this.state, this.state.now().slice(0, 10));
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve));
		this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Requests to one endpoint, in arrival order. */
	requestsTo(endpoint: EndpointName): RecordedRequest[] {
		return this.requests.filter((r) => r.endpoint === endpoint);
	}

	addFault(rule: FaultRule): void {
		this.faults.add(rule);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const rawBody = await readBody(req);
		if (url.pathname.startsWith(CONTROL_PATH)) return this.control(url, req.method ?? 'GET', rawBody, res);

		const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname;
		const method = req.method ?? 'GET';
		const record: RecordedRequest = {
			seq: this.requests.length + 1,
			method,
			path,
			params: {},
			query: Object.fromEntries(url.searchParams),
			body: undefined,
			rawBody,
			auth: this.authKind(req.headers[API_KEY_HEADER.toLowerCase()]),
			acted: false,
			receivedAt: Date.now(),
			// A proxy on the way says so (RFC 9110 Via): the e2e tier checks that requests went through one.
			via: typeof req.headers.via === 'string' ? req.headers.via : undefined,
		};
		if (this.options.recordRequests !== false) this.requests.push(record);
		const route = findRoute(method, path);
		record.endpoint = route?.name;
		record.params = route?.params ?? {};
		const fault = this.faults.take({ endpoint: route?.name, method, path, query: record.query, rawBody });
		record.fault = fault?.kind;
		// A faulted request never reaches routing: its body is still logged, so out-of-process readers of
		// the log (which has no raw bodies) can tell which item a refusal was for.
		if (fault) record.body = parsedOrUndefined(rawBody);
		const send = (reply: Reply) => {
			const drifted = this.drifted(route?.name, reply);
			record.status = drifted.status;
			record.answeredAt = Date.now();
			respond(res, drifted);
		};

		if (fault?.kind === 'latency') await delay(fault.ms);
		if (fault?.kind === 'status') return send({ status: fault.status, body: fault.body ?? { message: `Injected ${fault.status}` }, headers: fault.retryAfter ? { 'Retry-After': fault.retryAfter } : undefined });
		if (fault?.kind === 'html') return send({ status: fault.status ?? 502, body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', headers: { 'Content-Type': 'text/html' } });
		if (fault?.kind === 'drop' && fault.act === false) return void res.socket?.destroy();

		if (this.inFlight >= this.maxInFlight) {
			return send({ status: 429, body: { message: 'Too many requests' }, headers: { 'Retry-After': this.retryAfter } });
		}
		this.inFlight++;
		this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
		try {
			const latency = this.nextLatencyMs();
			if (latency > 0) await delay(latency);
			const reply = this.route(path, url.searchParams, rawBody, record);
			record.acted = reply.acted ?? false;
			if (fault?.kind === 'drop') return void res.socket?.destroy();
			if (fault?.kind === 'slow') await delay(fault.ms);
			if (fault?.kind === 'malformed') return send({ status: 200, body: '{"messageId": "sms_', headers: { 'Content-Type': 'application/json' } });
			send(reply);
		} finally {
			this.inFlight--;
		}
	}

	private readonly latencyRandom = seededRandom(LATENCY_SEED);

	/** This request's delay: the configured latency, spread evenly over ± the spread, never below 0. */
	private nextLatencyMs(): number {
		if (this.latencySpreadMs <= 0) return this.latencyMs;
		return Math.max(0, this.latencyMs + (this.latencyRandom() * 2 - 1) * this.latencySpreadMs);
	}

	private drifted(endpoint: EndpointName | undefined, reply: Reply): Reply {
		if (!this.drifts.length) return reply;
		if (this.drifts.some((d) => d.kind === 'pathGone' && d.endpoint === endpoint)) return json(404, { message: 'Not found' });
		let body = reply.body;
		for (const drift of this.drifts) {
			if (drift.kind === 'errorShape' && reply.status >= 400 && body && typeof body === 'object') {
				const { message, code } = body as { message?: string; code?: string };
				body = { error: { code: code ?? 'ERROR', detail: message } };
			}
			if (drift.kind === 'keepOnly' && drift.endpoint === endpoint && reply.status < 300 && body && typeof body === 'object') {
				body = Object.fromEntries(Object.entries(body).filter(([field]) => drift.fields.includes(field)));
			}
			if (drift.kind === 'addFields' && drift.endpoint === endpoint && reply.status < 300 && body && typeof body === 'object') {
				body = structuredClone(body);
				const holder = drift.path ? drift.path.split('.').reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, body as Record<string, unknown>) : (body as Record<string, unknown>);
				Object.assign(holder, drift.fields);
			}
			if ((drift.kind === 'renameField' || drift.kind === 'enumValue') && drift.endpoint === endpoint && reply.status < 300) {
				body = structuredClone(body);
				editAtPath(body, drift.path.split('.'), (holder, key) => {
					if (!(key in holder)) return;
					if (drift.kind === 'renameField') {
						holder[drift.to] = holder[key];
						delete holder[key];
					} else holder[key] = drift.value;
				});
			}
		}
		return { ...reply, body };
	}

	private authKind(header: string | string[] | undefined): AuthKind {
		const key = Array.isArray(header) ? header[0] : header;
		if (!key) return 'missing';
		if (key === this.partnerKey) return 'partner';
		return this.state.findByCreditorKey(key) ? 'creditor' : 'invalid';
	}

	private route(path: string, query: URLSearchParams, rawBody: string, record: RecordedRequest): Reply {
		if (!record.endpoint) {
			const known = pathIsKnown(path);
			return json(known ? 405 : 404, { message: known ? 'Method not allowed' : 'Not found' });
		}

		if (record.auth === 'missing' || record.auth === 'invalid') {
			return json(401, { message: 'Invalid or missing API key', code: 'UNAUTHORIZED' });
		}
		if (record.auth === 'creditor') {
			return json(403, { message: 'Creditor tokens cannot access partner endpoints', code: 'FORBIDDEN' });
		}
		let body: unknown;
		if (rawBody) {
			try {
				body = JSON.parse(rawBody);
			} catch {
				return json(400, { message: 'Request body is not valid JSON' });
			}
		}
		record.body = body;
		return this.handlers[record.endpoint](record.params, body, query);
	}

	private readonly handlers: Record<EndpointName, (params: Record<string, string>, body: unknown, query: URLSearchParams) => Reply> = {
		validateKey: () => json(200, { isValid: true, message: 'Token is valid' }),

		createCreditor: (_, body) => {
			const parsed = canonicalBody(createCreditorBody, body);
			if (!parsed.ok) return fieldErrors(parsed.issues);
			const businessCode = parsed.value.creditor.businessCode;
			if (this.state.findByBusinessId(businessCode)) {
				return json(402, { message: `A creditor with business ID ${businessCode} already exists`, code: 'CREDITOR_EXISTS' });
			}
			const created = this.state.createCreditor(parsed.value);
			return json(
				201,
				{
					creditorId: created.creditorId,
					customerCode: created.customerCode,
					paymentReferencePrefix: created.paymentReferencePrefix,
					credentials: { apiKey: created.apiKey, environment: this.state.environment },
				},
				true,
			);
		},

		updateCreditor: ({ creditorId }, body) => {
			const stored = this.state.creditors.get(creditorId);
			if (!stored) return json(404, { message: `Creditor ${creditorId} not found`, code: 'NOT_FOUND' });
			const parsed = canonicalBody(updateCreditorBody, body);
			if (!parsed.ok) return fieldErrors(parsed.issues);
			const other = parsed.value.creditor?.businessCode && this.state.findByBusinessId(parsed.value.creditor.businessCode);
			if (other && other.creditorId !== creditorId) {
				return json(402, { message: `Business ID ${parsed.value.creditor?.businessCode} belongs to another creditor`, code: 'CREDITOR_EXISTS' });
			}
			return json(200, this.state.publicCreditor(this.state.updateCreditor(stored, parsed.value)), true);
		},

		getCreditorCredentials: ({ creditorId }) => {
			const stored = this.state.creditors.get(creditorId);
			if (!stored) return json(404, { message: `Creditor ${creditorId} not found`, code: 'NOT_FOUND' });
			return json(200, { creditorId, customerCode: stored.customerCode, apiKey: stored.apiKey, environment: this.state.environment });
		},

		getCreditorAgreements: ({ creditorId }) => {
			const stored = this.state.creditors.get(creditorId);
			if (!stored) return json(404, { message: `Creditor ${creditorId} not found`, code: 'NOT_FOUND' });
			return json(200, { creditorId, agreements: stored.agreements });
		},

		getSellerDeliveries: ({ sellerId }, _, query) => this.deliveries(sellerId, query),

		sendSms: (_, body) => {
			const parsed = canonicalBody(sendSmsBody, body);
			if (!parsed.ok) return fieldErrors(parsed.issues);
			const sent = this.state.sendSms(parsed.value);
			return json(
				200,
				{
					messageId: sent.messageId,
					recipient: sent.body.recipient,
					segments: sent.segments,
					deliveryReport: {
						status: sent.status,
						statusMessage: sent.status === 'FAILED' ? 'Number not in use' : 'Delivered to handset',
						updatedAt: this.state.now(),
					},
				},
				true,
			);
		},
	};

	private deliveries(sellerId: string, query: URLSearchParams): Reply {
		const all = this.state.deliveries.get(sellerId);
		if (!all && !this.state.creditors.has(sellerId)) return json(404, { message: `Seller ${sellerId} not found`, code: 'NOT_FOUND' });
		const q = (name: keyof typeof DELIVERY_QUERY) => query.get(DELIVERY_QUERY[name]) ?? undefined;
		const page = Number(q('page') ?? 1);
		const pageCap = this.drifts.find((d): d is Extract<Drift, { kind: 'maxPageSize' }> => d.kind === 'maxPageSize')?.value;
		const asked = Number(q('pageSize') ?? 100);
		const pageSize = pageCap ? Math.min(asked, pageCap) : asked;
		const errors: Array<{ path: string[]; message: string }> = [];
		if (!Number.isInteger(page) || page < 1) errors.push({ path: [DELIVERY_QUERY.page], message: 'must be a whole number from 1' });
		if (!Number.isInteger(asked) || asked < 1 || asked > DELIVERIES_MAX_PAGE_SIZE) {
			errors.push({ path: [DELIVERY_QUERY.pageSize], message: `must be 1 to ${DELIVERIES_MAX_PAGE_SIZE}` });
		}
		for (const name of ['fromDate', 'toDate'] as const) {
			const value = q(name);
			if (value !== undefined && !DATE.test(value)) errors.push({ path: [DELIVERY_QUERY[name]], message: 'must be YYYY-MM-DD' });
		}
		const status = q('status');
		if (status !== undefined && !valuesOf(DELIVERY_STATUSES).includes(status as never)) errors.push({ path: [DELIVERY_QUERY.status], message: 'unknown status' });
		if (errors.length) return fieldErrors(errors);

		let from = q('fromDate');
		let to = q('toDate');
		if (!from && !to) {
			const today = new Date(this.state.now());
			to = isoDate(today);
			from = isoDate(new Date(today.getTime() - DELIVERIES_DEFAULT_WINDOW_DAYS * 86_400_000));
		}
		const invoiceNumber = q('invoiceNumber');
		const matching = (all ?? [])
			.filter((d) => (!from || d.invoiceDate >= from) && (!to || d.invoiceDate <= to))
			.filter((d) => !status || d.status === status)
			.filter((d) => !invoiceNumber || d.invoiceNumber === invoiceNumber)
			.sort((a, b) => b.invoiceDate.localeCompare(a.invoiceDate) || a.invoiceNumber.localeCompare(b.invoiceNumber));
		const slice = matching.slice((page - 1) * pageSize, page * pageSize);
		return json(200, {
			metaData: {
				totalCount: matching.length,
				successfulCount: matching.filter((d) => d.status === 'DELIVERED').length,
				failedCount: matching.filter((d) => d.status === 'FAILED').length,
				page,
				pageSize,
			},
			deliveries: slice.map(({ invoiceDate: _invoiceDate, ...delivery }) => delivery),
		});
	}

	/** Control API for out-of-process users (npm start, the e2e tier): faults, config and the request log. */
	private control(url: URL, method: string, rawBody: string, res: ServerResponse): void {
		const what = url.pathname.slice(CONTROL_PATH.length);
		const body = rawBody ? JSON.parse(rawBody) : {};
		if (what === '/faults' && method === 'POST') {
			const rule = body as FaultRule & { pathRegex?: string };
			this.faults.add({ ...rule, path: rule.pathRegex ? new RegExp(rule.pathRegex) : rule.path });
			return respond(res, json(204, undefined));
		}
		if (what === '/faults' && method === 'DELETE') {
			this.faults.clear();
			return respond(res, json(204, undefined));
		}
		if (what === '/config' && method === 'POST') {
			if (body.latencyMs !== undefined) this.latencyMs = body.latencyMs;
			if (body.latencySpreadMs !== undefined) this.latencySpreadMs = body.latencySpreadMs;
			if (body.maxInFlight !== undefined) this.maxInFlight = body.maxInFlight ?? Number.POSITIVE_INFINITY;
			if (body.retryAfter !== undefined) this.retryAfter = String(body.retryAfter);
			this.peakInFlight = this.inFlight;
			return respond(res, json(204, undefined));
		}
		if (what === '/seed' && method === 'POST') {
			const creditorIds = Array.from({ length: body.creditors ?? 0 }, (_, i) => {
				const created = this.state.createCreditor({
					service: { type: 'LIFECYCLE' },
					creditor: { name: `Seed ${i} Oy`, businessCode: businessIdFor(100000 + this.state.creditors.size), countryCode: 'FI' },
					contacts: [{ role: 'PRIMARY', name: 'Maija' }],
				});
				return created.creditorId;
			});
			for (const { sellerId, count, perDay } of body.deliveries ?? []) {
				this.state.addDeliveries(sellerId, makeDeliveries(count, { today: this.state.now().slice(0, 10), perDay, prefix: sellerId }));
			}
			return respond(res, json(200, { creditorIds }));
		}
		if (what === '/deliveries/status' && method === 'POST') {
			const { sellerId, invoiceNumber, status, statusMessage } = body as { sellerId: string; invoiceNumber: string; status: string; statusMessage?: string };
			try {
				this.state.setDeliveryStatus(sellerId, invoiceNumber, status, statusMessage ?? null);
			} catch (error) {
				return respond(res, json(404, { message: (error as Error).message }));
			}
			return respond(res, json(204, undefined));
		}
		if (what === '/deliveries' && method === 'GET') {
			const sellerId = url.searchParams.get('sellerId') ?? '';
			return respond(res, json(200, (this.state.deliveries.get(sellerId) ?? []).map(({ invoiceNumber, status }) => ({ invoiceNumber, status }))));
		}
		if (what === '/drift' && method === 'POST') {
			this.drifts.push(body as Drift);
			return respond(res, json(204, undefined));
		}
		if (what === '/drift' && method === 'DELETE') {
			this.drifts.length = 0;
			return respond(res, json(204, undefined));
		}
		if (what === '/state' && method === 'GET') {
			return respond(res, json(200, { creditors: this.state.creditors.size, peakInFlight: this.peakInFlight, sms: this.state.sms.map((s) => ({ reference: s.body.reference ?? null, recipient: s.body.recipient })) }));
		}
		if (what === '/state' && method === 'DELETE') {
			this.state.sms.length = 0;
			this.requests.length = 0;
			return respond(res, json(204, undefined));
		}
		if (what === '/requests' && method === 'GET') {
			return respond(res, json(200, this.requests.map(({ rawBody: _raw, ...rest }) => rest)));
		}
		if (what === '/requests' && method === 'DELETE') {
			this.requests.length = 0;
			return respond(res, json(204, undefined));
		}
		respond(res, json(404, { message: 'Unknown control path' }));
	}
}

const routes = Object.entries(ENDPOINTS) as Array<[EndpointName, (typeof ENDPOINTS)[EndpointName]]>;

function findRoute(method: string, path: string): { name: EndpointName; params: Record<string, string> } | undefined {
	for (const [name, endpoint] of routes) {
		const params = endpoint.method === method ? matchPath(endpoint, path) : undefined;
		if (params) return { name, params };
	}
	return undefined;
}

const pathIsKnown = (path: string) => routes.some(([, endpoint]) => matchPath(endpoint, path) !== undefined);

/** Calls `edit(holder, key)` for the last key of `path` in every object it reaches (`[]` walks a list). */
function editAtPath(value: unknown, path: string[], edit: (holder: Record<string, unknown>, key: string) => void): void {
	const [head, ...rest] = path;
	if (value === null || typeof value !== 'object') return;
	const isList = head.endsWith('[]');
	const key = isList ? head.slice(0, -2) : head;
	const holder = value as Record<string, unknown>;
	if (!rest.length && !isList) return edit(holder, key);
	const next = holder[key];
	if (isList && Array.isArray(next)) {
		for (const element of next) {
			if (rest.length) editAtPath(element, rest, edit);
		}
	} else if (!isList) editAtPath(next, rest, edit);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function respond(res: ServerResponse, reply: Reply): void {
	if (res.destroyed) return;
	const isText = typeof reply.body === 'string';
	const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
	res.writeHead(reply.status, {
		'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json',
		'Content-Length': Buffer.byteLength(payload),
		...reply.headers,
	});
	res.end(payload);
}

function parsedOrUndefined(rawBody: string): unknown {
	try {
		return rawBody ? JSON.parse(rawBody) : undefined;
	} catch {
		return undefined;
	}
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return await new Emulator(options).start();
}
