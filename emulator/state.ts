/**
 * What the emulated Cash-In remembers: creditors (with their credentials and agreements), sellers'
 * invoice deliveries, and sent SMS. Shapes follow the contract module's response schemas.
 */
import type { CreateCreditorBody, Delivery, SendSmsBody, UpdateCreditorBody } from '../nodes/CashInPartner/contract/schemas';
import { segmentSms } from '../nodes/CashInPartner/validation/smsSegments';

export interface StoredCreditor {
	creditorId: string;
	customerCode: string;
	paymentReferencePrefix: string;
	apiKey: string;
	service: CreateCreditorBody['service'];
	creditor: CreateCreditorBody['creditor'];
	contacts: CreateCreditorBody['contacts'];
	bankAccounts: NonNullable<CreateCreditorBody['bankAccounts']>;
	agreements: Array<Record<string, unknown>>;
	updatedAt: string;
}

/** A delivery as stored: the API's fields plus the invoice date the date filters apply to. */
export interface StoredDelivery extends Delivery {
	invoiceDate: string;
}

export interface SentSms {
	messageId: string;
	body: SendSmsBody;
	segments: number;
	status: 'DELIVERED' | 'FAILED' | 'PENDING';
}

export class EmulatorState {
	readonly creditors = new Map<string, StoredCreditor>();
	readonly deliveries = new Map<string, StoredDelivery[]>();
	readonly sms: SentSms[] = [];
	private readonly counters = new Map<string, number>();

	constructor(
		readonly environment: 'PRODUCTION' | 'SANDBOX',
		private readonly clock: () => Date,
	) {}

	/** Sequential per prefix, so the demo's creditors are c_00001, c_00002, … as the examples expect. */
	private nextId(prefix: string) {
		const next = (this.counters.get(prefix) ?? 0) + 1;
		this.counters.set(prefix, next);
		return `${prefix}${next.toString(36).padStart(5, '0')}`;
	}

	now(): string {
		return this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
	}

	private lastStamp = 0;

	/**
	 * The `updatedAt` of a change: the clock, but always a second after the previous change and after every
	 * delivery it holds, as a real API's update times only move forward (the tests' fixed clock would
	 * otherwise give every change one time, and seeded deliveries may carry a later hour of today).
	 */
	stamp(): string {
		const next = Math.max(this.clock().getTime(), this.lastStamp + 1000);
		this.lastStamp = next;
		return new Date(next).toISOString().replace(/\.\d{3}Z$/, 'Z');
	}

	findByBusinessId(businessCode: string) {
		return [...this.creditors.values()].find((c) => c.creditor.businessCode === businessCode);
	}

	findByCreditorKey(apiKey: string) {
		return [...this.creditors.values()].find((c) => c.apiKey === apiKey);
	}

	createCreditor(body: CreateCreditorBody): StoredCreditor {
		const serial = 100000 + this.creditors.size + 1;
		const stored: StoredCreditor = {
			creditorId: this.nextId('c_'),
			customerCode: String(serial),
			paymentReferencePrefix: String(serial).slice(0, 4),
			apiKey: `ck_${this.nextId('key')}_${Math.random().toString(36).slice(2, 14)}`,
			service: body.service,
			creditor: body.creditor,
			contacts: body.contacts,
			bankAccounts: body.bankAccounts ?? [],
			agreements: [],
			updatedAt: this.now(),
		};
		this.creditors.set(stored.creditorId, stored);
		return stored;
	}

	/** Sections and fields sent replace the stored ones; lists are replaced whole; the rest stays. */
	updateCreditor(stored: StoredCreditor, body: UpdateCreditorBody): StoredCreditor {
		if (body.service) stored.service = { ...stored.service, ...body.service };
		if (body.creditor) stored.creditor = { ...stored.creditor, ...body.creditor };
		if (body.contacts) stored.contacts = body.contacts;
		if (body.bankAccounts) stored.bankAccounts = body.bankAccounts;
		stored.updatedAt = this.now();
		return stored;
	}

	publicCreditor(stored: StoredCreditor) {
		const { creditorId, customerCode, service, creditor, contacts, bankAccounts, updatedAt } = stored;
		return { creditorId, customerCode, service, creditor, contacts, bankAccounts, updatedAt };
	}

	addAgreement(creditorId: string, agreement: { agreementId: string; system: string; type?: string; status?: string; validFrom?: string; validTo?: string }) {
		const stored = this.creditors.get(creditorId);
		if (!stored) throw new Error(`No creditor ${creditorId}`);
		stored.agreements.push({ type: 'SERVICE', status: 'ACTIVE', validFrom: '2026-01-01', ...agreement });
	}

	addDeliveries(sellerId: string, deliveries: StoredDelivery[]) {
		for (const delivery of deliveries) this.lastStamp = Math.max(this.lastStamp, Date.parse(delivery.updatedAt ?? '') || 0);
		const list = this.deliveries.get(sellerId) ?? [];
		list.push(...deliveries);
		this.deliveries.set(sellerId, list);
	}

	/**
	 * A delivery's status changes. `stampedAt`: the `updatedAt` Cash-In gives it, when that is not now — the
	 * time of the event rather than of the record (a returned letter, an operator's late report).
	 */
	setDeliveryStatus(sellerId: string, invoiceNumber: string, status: string, statusMessage: string | null = null, stampedAt?: string) {
		const delivery = this.deliveries.get(sellerId)?.find((d) => d.invoiceNumber === invoiceNumber);
		if (!delivery) throw new Error(`No delivery ${invoiceNumber} for ${sellerId}`);
		Object.assign(delivery, { status, statusMessage, updatedAt: stampedAt ?? this.stamp() });
	}

	sendSms(body: SendSmsBody): SentSms {
		// A number ending in 000 stands for a number not in use: the report says FAILED.
		const status = body.recipient.endsWith('000') ? 'FAILED' : 'DELIVERED';
		const sent: SentSms = { messageId: this.nextId('sms_'), body, segments: segmentSms(body.message).segments, status };
		this.sms.push(sent);
		return sent;
	}
}
