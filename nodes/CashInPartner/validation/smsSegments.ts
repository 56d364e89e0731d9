/**
 * SMS encoding and segment count under GSM 03.38 (3GPP TS 23.038): a message stays in the 7-bit GSM
 * alphabet unless one character is outside it, in which case the whole message is UCS-2.
 */

const GSM_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
	'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters reached through the escape code: each takes two septets, and a pair is never split. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentation {
	encoding: SmsEncoding;
	/** Septets (GSM-7) or UTF-16 code units (UCS-2) the message takes. */
	units: number;
	segments: number;
}

const LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
	'GSM-7': { single: 160, perPart: 153 },
	'UCS-2': { single: 70, perPart: 67 },
};

export const isGsmCharacter = (char: string): boolean => BASIC.has(char) || EXTENSION.has(char);

/** The size in units of each character, in order; a character never straddles two parts. */
function unitSizes(message: string): { encoding: SmsEncoding; sizes: number[] } {
	const characters = [...message];
	if (characters.every(isGsmCharacter)) {
		return { encoding: 'GSM-7', sizes: characters.map((char) => (EXTENSION.has(char) ? 2 : 1)) };
	}
	return { encoding: 'UCS-2', sizes: characters.map((char) => char.length) };
}

export function segmentSms(message: string): SmsSegmentation {
	const { encoding, sizes } = unitSizes(message);
	const units = sizes.reduce((sum, size) => sum + size, 0);
	const { single, perPart } = LIMITS[encoding];
	if (units <= single) return { encoding, units, segments: units === 0 ? 0 : 1 };
	let segments = 1;
	let used = 0;
	for (const size of sizes) {
		if (used + size > perPart) {
			segments++;
			used = 0;
		}
		used += size;
	}
	return { encoding, units, segments };
}
