import { isCountryCode } from './isoCodes';
import { accept, type Normalised, refuse, withoutSpaces } from './result';

/** IBAN length per country, from the ISO 13616 registry (Åland, AX, follows Finland). */
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
	(
		'AD24 AE23 AL28 AT20 AX18 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 ' +
		'DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 ' +
		'IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 ' +
		'NI28 NL18 NO15 OM23 PK24 PL28 PS29 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 ' +
		'SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
	)
		.split(' ')
		.map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

export const IBAN_EXAMPLE = 'FI2112345600000785';

/** ISO 7064 mod 97-10 over the rearranged IBAN, digit by digit so no big integers are needed. */
function ibanRemainder(iban: string): number {
	const rearranged = iban.slice(4) + iban.slice(0, 4);
	let remainder = 0;
	for (const char of rearranged) {
		const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
		for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
	}
	return remainder;
}

export function normaliseIban(raw: string): Normalised {
	const compact = withoutSpaces(raw).replace(/-/g, '').toUpperCase();
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) {
		return refuse(`a country code, 2 check digits and the account number, e.g. ${IBAN_EXAMPLE}`);
	}
	const expectedLength = IBAN_LENGTHS[compact.slice(0, 2)];
	if (expectedLength === undefined) return refuse('an IBAN of a country that uses IBANs');
	if (compact.length !== expectedLength) {
		return refuse(`${expectedLength} characters for a ${compact.slice(0, 2)} IBAN (got ${compact.length})`);
	}
	if (ibanRemainder(compact) !== 1) return refuse('an IBAN whose check digits match (one character may be mistyped)');
	return accept(compact);
}

/** BIC (ISO 9362): bank code, country, location, optional branch — 8 or 11 characters. */
export function normaliseBic(raw: string): Normalised {
	const compact = withoutSpaces(raw).toUpperCase();
	const match = /^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}([A-Z0-9]{3})?$/.exec(compact);
	if (!match || !isCountryCode(match[1])) return refuse('8 or 11 letters and digits, e.g. NDEAFIHH');
	return accept(compact);
}
