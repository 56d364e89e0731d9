import { businessIdCheckDigit, normaliseBusinessId, normaliseVatNumber } from '../../nodes/CashInPartner/validation/businessId';
import { normaliseBic, normaliseIban } from '../../nodes/CashInPartner/validation/iban';
import { normalisePhone } from '../../nodes/CashInPartner/validation/phone';
import { segmentSms } from '../../nodes/CashInPartner/validation/smsSegments';
import { PHONE_SPELLINGS } from '../fixtures/phoneSpellings';

const ok = (value: string) => ({ ok: true, value });

describe('business ID (Y-tunnus)', () => {
	test.each([
		['1234567-1', '1234567-1'],
		[' 1234567 - 1 ', '1234567-1'],
		['12345671', '1234567-1'],
		['1234567–1', '1234567-1'],
		['646115-8', '0646115-8'],
		['0646115-8', '0646115-8'],
		['0000000-0', '0000000-0'],
	])('%j → %s', (raw, canonical) => expect(normaliseBusinessId(raw)).toEqual(ok(canonical)));

	test('check digit: remainder 0 gives 0, remainder 1 has no valid ID', () => {
		expect(businessIdCheckDigit('0000000')).toBe(0);
		expect(businessIdCheckDigit('1234567')).toBe(1);
		// 7*0+9*0+10*0+5*0+8*0+4*0+2*6 = 12 → remainder 1
		expect(businessIdCheckDigit('0000006')).toBeUndefined();
	});

	test.each(['1234567-2', '123456', '12345-6', 'ABCDEFG-1', '', '0000006-0', '1234567-1-1'])('refuses %j', (raw) => {
		expect(normaliseBusinessId(raw).ok).toBe(false);
	});

	test('VAT number: FI + the business ID digits, checked', () => {
		expect(normaliseVatNumber('fi 1234 5671')).toEqual(ok('FI12345671'));
		expect(normaliseVatNumber('FI12345672').ok).toBe(false);
		expect(normaliseVatNumber('SE556677889901')).toEqual(ok('SE556677889901'));
	});
});

describe('IBAN and BIC', () => {
	test.each([
		['FI21 1234 5600 0007 85', 'FI2112345600000785'],
		['fi2112345600000785', 'FI2112345600000785'],
		['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
		['GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432'],
	])('%j → %s', (raw, canonical) => expect(normaliseIban(raw)).toEqual(ok(canonical)));

	test.each(['FI2112345600000786', 'FI211234560000078', 'XX2112345600000785', '2112345600000785', 'FI21 1234 5600 0007 8!'])('refuses %j', (raw) => {
		expect(normaliseIban(raw).ok).toBe(false);
	});

	test('BIC: 8 or 11 characters with a real country', () => {
		expect(normaliseBic('ndeafihh')).toEqual(ok('NDEAFIHH'));
		expect(normaliseBic('NDEAFIHHXXX')).toEqual(ok('NDEAFIHHXXX'));
		expect(normaliseBic('NDEAFIH').ok).toBe(false);
		expect(normaliseBic('NDEAZZHH').ok).toBe(false);
	});
});

describe('phone numbers to E.164', () => {
	test.each(PHONE_SPELLINGS)('%j → %s', (raw, e164) => expect(normalisePhone(raw)).toEqual(ok(e164)));

	test.each(['', 'abc', '+0401234567', '12', '+3584012345678901234', '040 123 45x7'])('refuses %j', (raw) => {
		expect(normalisePhone(raw).ok).toBe(false);
	});
});

describe('SMS segments (GSM 03.38)', () => {
	const gsm = (n: number) => 'a'.repeat(n);
	test.each([
		['160 GSM-7 characters', gsm(160), 'GSM-7', 1],
		['161 GSM-7 characters', gsm(161), 'GSM-7', 2],
		['306 GSM-7 characters', gsm(306), 'GSM-7', 2],
		['307 GSM-7 characters', gsm(307), 'GSM-7', 3],
		['€ counts twice: 158 + € = 160 septets', gsm(158) + '€', 'GSM-7', 1],
		['€ counts twice: 159 + € = 161 septets', gsm(159) + '€', 'GSM-7', 2],
		['153 septets in part 1 with [ at the end', gsm(151) + '[' + gsm(10), 'GSM-7', 2],
		['an escape pair never straddles: 152 + [ moves [ to part 2', gsm(152) + '[' + gsm(153), 'GSM-7', 3],
		['70 UCS-2 characters', 'ä'.repeat(0) + 'ž'.repeat(70), 'UCS-2', 1],
		['71 UCS-2 characters', 'ž'.repeat(71), 'UCS-2', 2],
		['134 UCS-2 characters', 'ž'.repeat(134), 'UCS-2', 2],
		['135 UCS-2 characters', 'ž'.repeat(135), 'UCS-2', 3],
		['one emoji makes it UCS-2', gsm(69) + '😀', 'UCS-2', 2],
		['Finnish letters stay GSM-7', 'Hyvää päivää, Öljy Åke!', 'GSM-7', 1],
	])('%s', (_, message, encoding, segments) => {
		expect(segmentSms(message)).toMatchObject({ encoding, segments });
	});

	test('the 10-segment limit is 1,530 GSM-7 characters or 670 UCS-2', () => {
		expect(segmentSms(gsm(1530)).segments).toBe(10);
		expect(segmentSms(gsm(1531)).segments).toBe(11);
		expect(segmentSms('ž'.repeat(670)).segments).toBe(10);
		expect(segmentSms('ž'.repeat(671)).segments).toBe(11);
	});
});
