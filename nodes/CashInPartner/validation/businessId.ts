import { accept, type Normalised, refuse, withoutSpaces } from './result';

/** Weights of the Finnish business ID (Y-tunnus) check digit, applied to the 7 body digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2];

export const BUSINESS_ID_EXAMPLE = '1234567-1';

/** The check digit of a 7-digit body, or undefined when no valid ID can have this body (remainder 1). */
export function businessIdCheckDigit(body: string): number | undefined {
	const sum = [...body].reduce((total, digit, i) => total + Number(digit) * WEIGHTS[i], 0);
	const remainder = sum % 11;
	if (remainder === 0) return 0;
	if (remainder === 1) return undefined;
	return 11 - remainder;
}

/**
 * Accepts the spellings users paste — spaces, a dash other than "-", no hyphen at all (8 digits),
 * the old 6-digit body without its leading zero — and returns the canonical `NNNNNNN-C`.
 */
export function normaliseBusinessId(raw: string): Normalised {
	const compact = withoutSpaces(raw).replace(/[\u2010-\u2015\u2212]/g, '-');
	const match = /^(\d{6,7})-(\d)$/.exec(compact) ?? /^(\d{7})(\d)$/.exec(compact);
	if (!match) {
		return refuse(`7 digits, a hyphen and a check digit, e.g. ${BUSINESS_ID_EXAMPLE}`);
	}
	const body = match[1].padStart(7, '0');
	const expectedDigit = businessIdCheckDigit(body);
	if (expectedDigit === undefined) {
		return refuse(`a real business ID: no valid ID starts with ${body}`);
	}
	if (expectedDigit !== Number(match[2])) {
		return refuse(`a business ID whose check digit matches (for ${body} it is ${expectedDigit})`);
	}
	return accept(`${body}-${expectedDigit}`);
}

/** The VAT number of a Finnish company: FI and the business ID's 8 digits. */
export function finnishVatNumberOf(businessId: string): string {
	return `FI${businessId.replace('-', '')}`;
}

/** A VAT number in EU form (country prefix + 2–12 characters); a Finnish one is checked in full. */
export function normaliseVatNumber(raw: string): Normalised {
	const compact = withoutSpaces(raw).toUpperCase().replace(/-/g, '');
	if (compact.startsWith('FI')) {
		const inner = normaliseBusinessId(compact.slice(2));
		return inner.ok ? accept(finnishVatNumberOf(inner.value)) : refuse('FI followed by the 8 digits of a valid business ID, e.g. FI12345671');
	}
	if (/^[A-Z]{2}[0-9A-Z+*.]{2,12}$/.test(compact)) return accept(compact);
	return refuse('a country prefix and the number, e.g. FI12345671');
}
