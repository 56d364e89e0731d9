/** Realistic, repeatable data for the emulator: creditors, agreements, and invoice deliveries. */
import { businessIdCheckDigit } from '../nodes/CashInPartner/validation/businessId';
import { DELIVERY_CHANNELS } from './contract';
import { seededRandom } from './random';
import type { EmulatorState, StoredDelivery } from './state';

const FAILURE_MESSAGES: Record<string, string> = {
	EINVOICE: 'Recipient e-invoice address not found',
	EMAIL: 'Mailbox unavailable',
	PRINT: 'Address incomplete',
	SMS: 'Number not in use',
};

/** A valid Finnish business ID derived from `n`. */
export function businessIdFor(n: number): string {
	for (let body = 1000000 + n * 7; ; body++) {
		const digits = String(body).padStart(7, '0').slice(-7);
		const check = businessIdCheckDigit(digits);
		if (check !== undefined) return `${digits}-${check}`;
	}
}

export interface DeliveryOptions {
	seed?: number;
	/** Invoice dates run back from this day, one day per `perDay` deliveries. */
	today: string;
	perDay?: number;
	failedShare?: number;
	prefix?: string;
}

export function makeDeliveries(count: number, options: DeliveryOptions): StoredDelivery[] {
	const random = seededRandom(options.seed ?? 1);
	const perDay = options.perDay ?? Math.max(1, Math.ceil(count / 25));
	const today = Date.parse(`${options.today}T00:00:00Z`);
	return Array.from({ length: count }, (_, i) => {
		const invoiceDate = new Date(today - Math.floor(i / perDay) * 86_400_000).toISOString().slice(0, 10);
		const channel = DELIVERY_CHANNELS[Math.floor(random() * DELIVERY_CHANNELS.length)];
		const roll = random();
		const status = roll < (options.failedShare ?? 0.05) ? 'FAILED' : roll < (options.failedShare ?? 0.05) + 0.03 ? 'PENDING' : 'DELIVERED';
		return {
			invoiceNumber: `${options.prefix ?? 'INV'}-${String(i + 1).padStart(6, '0')}`,
			caseId: `CI-${700000 + i}`,
			channel,
			status,
			statusMessage: status === 'FAILED' ? FAILURE_MESSAGES[channel] : null,
			recipient: channel === 'EMAIL' ? `debtor${i}@example.fi` : channel === 'SMS' ? `+35840${String(1000000 + i).slice(-7)}` : `0037${String(10000000 + i)}`,
			updatedAt: `${invoiceDate}T08:${String(i % 60).padStart(2, '0')}:00Z`,
			invoiceDate,
		};
	});
}

const DEMO_COMPANIES = ['Esimerkki Oy', 'Kahvila Aurinko Oy', 'Rakennus Virtanen Oy', 'Tilitoimisto Lahti Ky'];

/** The demo world `npm start` shows: a few creditors with agreements and a few hundred deliveries. */
export function seedDemo(state: EmulatorState, today: string): void {
	DEMO_COMPANIES.forEach((name, i) => {
		const businessCode = businessIdFor(i + 1);
		const created = state.createCreditor({
			service: { type: i === 3 ? 'DEBT_COLLECTION' : 'LIFECYCLE' },
			creditor: { name, businessCode, countryCode: 'FI', languageCode: 'FI', postalDistrict: 'HELSINKI' },
			contacts: [{ role: 'PRIMARY', name: 'Maija Meikäläinen', email: `maija@${name.split(' ')[0].toLowerCase()}.fi` }],
			bankAccounts: [{ iban: 'FI2112345600000785', bic: 'NDEAFIHH' }],
		});
		state.addAgreement(created.creditorId, { agreementId: `CRM-${1000 + i}`, system: 'Confirma CRM' });
		state.addAgreement(created.creditorId, { agreementId: `ERP-${5000 + i}`, system: 'Partner ERP', type: 'BILLING' });
		state.addDeliveries(created.creditorId, makeDeliveries(120, { seed: i + 1, today, prefix: `${2026}-${i + 1}`, failedShare: 0.06 }));
	});
}
