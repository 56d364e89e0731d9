import { accept, type Normalised, refuse } from './result';

/** Longer than any Cash-In ID (e.g. c_8f2k1); a longer value is a pasted text, not an ID. */
export const MAX_ID_LENGTH = 100;

/**
 * A Cash-In identifier as it goes into a request path. Surrounding spaces are trimmed; what could change
 * which endpoint the request reaches (`.` and `..` are resolved as path steps, `/` and `\` split the path,
 * `?` and `#` end it) or cannot be an ID (spaces inside, control characters, a whole paragraph) is refused.
 */
export function normaliseId(raw: string): Normalised {
	const id = raw.trim();
	if (id === '') return refuse('an ID, e.g. c_8f2k1');
	if (id === '.' || id === '..') return refuse('an ID, not "." or ".."');
	if (id.length > MAX_ID_LENGTH) return refuse(`an ID of at most ${MAX_ID_LENGTH} characters (got ${id.length})`);
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return refuse('an ID without line breaks, tabs or other control characters');
	if (/[\s\u00a0\u2007\u202f]/.test(id)) return refuse('an ID without spaces, e.g. c_8f2k1');
	if (/[/\\?#]/.test(id)) return refuse('a single ID without / \\ ? or #, e.g. c_8f2k1');
	return accept(id);
}
