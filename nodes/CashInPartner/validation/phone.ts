import { accept, type Normalised, refuse, withoutSpaces } from './result';

/** Finland's country calling code: local numbers (leading 0) are taken as Finnish. */
const DEFAULT_COUNTRY_CALLING_CODE = '358';

export const PHONE_EXAMPLE = '+358401234567';

/**
 * Turns the common spellings of a phone number into E.164: `040 123 4567`, `040-1234567`,
 * `+358 (0)40 123 4567`, `00358 40 123 4567` and `358401234567` all become `+358401234567`.
 */
export function normalisePhone(raw: string): Normalised {
	let number = withoutSpaces(raw)
		.replace(/\(0\)/g, '')
		.replace(/[-./()\u2010-\u2015]/g, '');
	if (number.startsWith('00')) number = `+${number.slice(2)}`;
	else if (number.startsWith(DEFAULT_COUNTRY_CALLING_CODE) && number.length >= 10) number = `+${number}`;
	else if (number.startsWith('0')) number = `+${DEFAULT_COUNTRY_CALLING_CODE}${number.slice(1)}`;
	// A trunk zero kept after Finland's code (+358 040…) is not dialled internationally.
	if (number.startsWith(`+${DEFAULT_COUNTRY_CALLING_CODE}0`)) {
		number = `+${DEFAULT_COUNTRY_CALLING_CODE}${number.slice(5)}`;
	}
	// A Finnish number has 6 to 12 digits after the country code; E.164 allows at most 15 digits in all.
	const finnish = new RegExp(`^\\+${DEFAULT_COUNTRY_CALLING_CODE}`);
	const finnishTooShortOrLong = finnish.test(number) && !new RegExp(`^\\+${DEFAULT_COUNTRY_CALLING_CODE}\\d{6,12}$`).test(number);
	if (!/^\+[1-9]\d{6,14}$/.test(number) || finnishTooShortOrLong) {
		return refuse(`a phone number in international form, e.g. ${PHONE_EXAMPLE} (or a Finnish one such as 040 123 4567)`);
	}
	return accept(number);
}
