/** Property-based tests of the validators (fast-check). */
import fc from 'fast-check';

import { matchPath } from '../../emulator/contract';
import { ENDPOINTS, pathOf } from '../../nodes/CashInPartner/contract/endpoints';
import { businessIdCheckDigit, normaliseBusinessId } from '../../nodes/CashInPartner/validation/businessId';
import { normaliseIban } from '../../nodes/CashInPartner/validation/iban';
import { normaliseId } from '../../nodes/CashInPartner/validation/identifier';
import { normalisePhone } from '../../nodes/CashInPartner/validation/phone';
import { isGsmCharacter, segmentSms } from '../../nodes/CashInPartner/validation/smsSegments';

const RUNS = { numRuns: 400 };
const digits = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** A valid business ID: a 7-digit body whose check digit exists. */
const businessId = digits(7)
	.filter((body) => businessIdCheckDigit(body) !== undefined)
	.map((body) => `${body}-${businessIdCheckDigit(body)}`);

/** The ways users write the same business ID. */
const businessIdSpelling = businessId.chain((id) =>
	fc.constantFrom(id, id.replace('-', ''), ` ${id} `, id.replace('-', ' - '), id.replace('-', '–'), id.startsWith('0') ? id.slice(1) : id),
);

function ibanFor(country: string, bban: string): string {
	const numeric = [...`${bban}${country}00`].map((c) => (c >= 'A' ? String(c.charCodeAt(0) - 55) : c)).join('');
	const remainder = [...numeric].reduce((r, d) => (r * 10 + Number(d)) % 97, 0);
	return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

const iban = fc.oneof(
	digits(14).map((bban) => ibanFor('FI', bban)),
	digits(18).map((bban) => ibanFor('DE', bban)),
	fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), digits(14)).map(([bank, rest]) => ibanFor('GB', bank + rest)),
);

/** Replaces the character at `index` by a different one of the same kind (digit for digit, letter for letter). */
const corruptions = (valid: string) =>
	fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 1, max: 25 })).map(([index, shift]) => {
		const char = valid[index];
		const replaced = /\d/.test(char)
			? String((Number(char) + (shift % 9) + 1) % 10)
			: /[A-Z]/.test(char)
				? String.fromCharCode(65 + ((char.charCodeAt(0) - 65 + shift) % 26))
				: String(shift % 10);
		return valid.slice(0, index) + replaced + valid.slice(index + 1);
	});

describe('business ID', () => {
	test('every valid ID, however spelled, is accepted, and normalising is idempotent', () => {
		fc.assert(
			fc.property(businessIdSpelling, (spelling) => {
				const once = normaliseBusinessId(spelling);
				expect(once.ok).toBe(true);
				if (once.ok) expect(normaliseBusinessId(once.value)).toEqual(once);
			}),
			RUNS,
		);
	});

	test('every single-character corruption of a valid ID is refused', () => {
		fc.assert(
			fc.property(businessId.chain((id) => corruptions(id)), (corrupted) => {
				expect(normaliseBusinessId(corrupted).ok).toBe(false);
			}),
			RUNS,
		);
	});
});

describe('IBAN', () => {
	test('every valid IBAN, with spaces every 4 or in lower case, is accepted; idempotent', () => {
		fc.assert(
			fc.property(iban, fc.boolean(), (valid, lower) => {
				const spaced = valid.replace(/(.{4})/g, '$1 ').trim();
				const once = normaliseIban(lower ? spaced.toLowerCase() : spaced);
				expect(once).toEqual({ ok: true, value: valid });
				expect(normaliseIban(valid)).toEqual(once);
			}),
			RUNS,
		);
	});

	test('every single-character corruption of a valid IBAN is refused', () => {
		fc.assert(
			fc.property(iban.chain((valid) => corruptions(valid)), (corrupted) => {
				expect(normaliseIban(corrupted).ok).toBe(false);
			}),
			RUNS,
		);
	});
});

describe('phone', () => {
	const finnishMobile = fc.tuple(fc.constantFrom('40', '41', '44', '45', '46', '50'), digits(7));
	test('every spelling of a Finnish mobile number gives the same E.164, and normalising is idempotent', () => {
		fc.assert(
			fc.property(finnishMobile, fc.integer({ min: 0, max: 5 }), ([prefix, rest], style) => {
				const e164 = `+358${prefix}${rest}`;
				const spelled = [
					`0${prefix} ${rest.slice(0, 3)} ${rest.slice(3)}`,
					`0${prefix}-${rest}`,
					`+358 ${prefix} ${rest}`,
					`00358${prefix}${rest}`,
					`+358 (0)${prefix} ${rest}`,
					`358${prefix}${rest}`,
				][style];
				expect(normalisePhone(spelled)).toEqual({ ok: true, value: e164 });
				expect(normalisePhone(e164)).toEqual({ ok: true, value: e164 });
			}),
			RUNS,
		);
	});
});

describe('SMS segments', () => {
	/** An independent count: encode to real septets / UTF-16 units, then cut parts without splitting a pair. */
	function referenceSegments(text: string): number {
		const gsm = [...text].every(isGsmCharacter);
		const ESC = -1;
		const units: number[] = gsm
			? [...text].flatMap((c) => ('\f^{}\\[~]|€'.includes(c) ? [ESC, c.charCodeAt(0)] : [c.charCodeAt(0)]))
			: Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
		const [single, part] = gsm ? [160, 153] : [70, 67];
		if (units.length === 0) return 0;
		if (units.length <= single) return 1;
		let count = 0;
		for (let start = 0; start < units.length; count++) {
			let end = Math.min(start + part, units.length);
			const last = units[end - 1];
			const splitsPair = gsm ? last === ESC : last >= 0xd800 && last <= 0xdbff;
			if (end < units.length && splitsPair) end--;
			start = end;
		}
		return count;
	}

	const gsmText = fc.array(fc.constantFrom(...'abcXYZ 0123.,!?äöÅÉ@£$\n€[]{}~^|\\'), { maxLength: 700 }).map((c) => c.join(''));
	const anyText = fc.oneof(gsmText, fc.tuple(gsmText, fc.constantFrom('ž', '😀', 'Ł', '中'), fc.nat(700)).map(([t, extra, at]) => t.slice(0, at % (t.length + 1)) + extra + t.slice(at % (t.length + 1))));

	test('the segment count matches an independent computation for generated texts', () => {
		fc.assert(
			fc.property(anyText, (text) => {
				expect(segmentSms(text).segments).toBe(referenceSegments(text));
			}),
			{ numRuns: 1000 },
		);
	});
});

describe('an ID can never take a request outside its endpoint', () => {
	const base = 'https://api.cash-in.com/v2';
	const withPathParameter = Object.values(ENDPOINTS).filter((endpoint) => /\{\w+\}/.test(endpoint.template));
	/** Strings a sheet or an expression may hand over: dots, slashes, encodings, spaces, any Unicode. */
	const idLike = fc.oneof(
		fc.string(),
		fc.string({ unit: 'grapheme', maxLength: 12 }),
		fc.array(fc.constantFrom('.', '..', '/', '\\', '%2e', '%2F', '?', '#', ' ', 'c_1', '\n', 'ä', '%'), { maxLength: 6 }).map((parts) => parts.join('')),
	);

	test('an ID the node accepts reaches only its own endpoint, with the ID as its path parameter', () => {
		fc.assert(
			fc.property(fc.constantFrom(...withPathParameter), idLike, (endpoint, raw) => {
				const checked = normaliseId(raw);
				if (!checked.ok) return;
				const name = /\{(\w+)\}/.exec(endpoint.template)![1];
				// The URL is resolved as an HTTP client resolves it: dot segments and all.
				const url = new URL(base + pathOf(endpoint, { [name]: checked.value }));
				expect(url.origin + url.pathname.slice(0, '/v2'.length)).toBe(base);
				expect(matchPath(endpoint, url.pathname.slice('/v2'.length))).toEqual({ [name]: checked.value });
				expect(url.search + url.hash).toBe('');
			}),
			{ numRuns: 2000 },
		);
	});

	test('what it refuses is exactly what could change the path or cannot be an ID', () => {
		for (const id of ['', ' ', '.', '..', 'a/b', 'a\\b', 'a?b', 'a#b', 'a b', 'a\tb', 'x'.repeat(101)]) expect(normaliseId(id).ok).toBe(false);
		for (const id of ['c_8f2k1', '...', 'c.1', 'ä', '%2e%2e', 'x'.repeat(100)]) expect(normaliseId(id).ok).toBe(true);
	});

	test('pathOf itself refuses dot segments, the last line behind the check', () => {
		for (const value of ['.', '..', '']) expect(() => pathOf(ENDPOINTS.getCreditorCredentials, { creditorId: value })).toThrow(/may not be/);
	});
});
