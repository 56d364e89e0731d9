/** The outcome of normalising one user-typed value: the canonical value, or why it cannot be fixed. */
export type Normalised = { ok: true; value: string } | { ok: false; expected: string };

export const accept = (value: string): Normalised => ({ ok: true, value });
export const refuse = (expected: string): Normalised => ({ ok: false, expected });

/** Removes every kind of space users paste from spreadsheets (incl. no-break and thin spaces). */
export const withoutSpaces = (raw: string): string => raw.replace(/[\s\u00a0\u2007\u202f]/g, '');
