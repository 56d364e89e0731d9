/**
 * zod schemas of every request and response body. A request schema normalises what users type (spaces,
 * local phone numbers, lower-case codes) into the form the API takes and refuses what cannot be fixed;
 * what it returns is the body that is sent. (The emulator accepts only bodies this leaves unchanged.)
 */
import { z } from 'zod';

import { normaliseBusinessId, normaliseVatNumber, finnishVatNumberOf } from '../validation/businessId';
import { normaliseBic, normaliseIban } from '../validation/iban';
import { isCountryCode, isLanguageCode } from '../validation/isoCodes';
import { normalisePhone } from '../validation/phone';
import type { Normalised } from '../validation/result';
import { segmentSms } from '../validation/smsSegments';
import {
	API_ENVIRONMENTS,
	CONTACT_ROLES,
	DELIVERY_STATUSES,
	PRIMARY_CONTACT_ROLE,
	SERVICE_TYPES,
	SMS_MAX_SEGMENTS,
	SMS_REFERENCE_MAX_LENGTH,
	SMS_REPORT_STATUSES,
	SMS_SENDER_MAX_LENGTH,
	valuesOf,
} from './endpoints';
import { BANK_ACCOUNT_FIELDS, CONTACT_FIELDS, CREDITOR_FIELDS, type FieldSpec, SERVICE_FIELDS } from './fields';

/** A string checked by a normaliser, which it returns normalised. */
function normalisedString(normalise: (raw: string) => Normalised) {
	return z.string().transform((raw, ctx) => {
		const result = normalise(raw);
		if (!result.ok) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected ${result.expected}` });
			return z.NEVER;
		}
		return result.value;
	});
}

const code = (check: (code: string) => boolean, expected: string) => (raw: string): Normalised => {
	const upper = raw.trim().toUpperCase();
	return check(upper) ? { ok: true, value: upper } : { ok: false, expected };
};
const countryCode = code(isCountryCode, 'a two-letter ISO 3166 country code, e.g. FI');
const languageCode = code(isLanguageCode, 'a two-letter ISO 639-1 language code, e.g. FI, SV or EN');

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const email = z.string().trim().email('expected an email address, e.g. laskutus@esimerkki.fi');
const website = z
	.string()
	.trim()
	.url('expected a web address starting with https://, e.g. https://esimerkki.fi')
	.refine((url) => /^https?:\/\//i.test(url), 'expected a web address starting with https:// or http://');

const enumOf = <T extends ReadonlyArray<{ value: string; name: string }>>(options: T) =>
	z.enum(valuesOf(options), {
		errorMap: () => ({ message: `expected one of ${options.map((o) => o.value).join(', ')}` }),
	});

export function serviceSchema() {
	return z.object({ type: enumOf(SERVICE_TYPES), partnerCode: text(32).optional() }).strict();
}

export function creditorDetailsSchema() {
	return z
		.object({
			name: text(200),
			businessCode: normalisedString(normaliseBusinessId),
			vatRegNbr: normalisedString(normaliseVatNumber).optional(),
			postalAddress: text(200).optional(),
			postalCode: text(20).optional(),
			postalDistrict: text(100).optional(),
			countryCode: normalisedString(countryCode),
			languageCode: normalisedString(languageCode).optional(),
			telephone: normalisedString(normalisePhone).optional(),
			email: email.optional(),
			website: website.optional(),
		})
		.strict();
}

export function contactSchema() {
	return z
		.object({
			role: enumOf(CONTACT_ROLES),
			name: text(200),
			email: email.optional(),
			telephone: normalisedString(normalisePhone).optional(),
		})
		.strict();
}

export function bankAccountSchema() {
	return z
		.object({
			iban: normalisedString(normaliseIban),
			bic: normalisedString(normaliseBic).optional(),
		})
		.strict();
}

type CreditorDetails = Partial<z.infer<ReturnType<typeof creditorDetailsSchema>>>;

/** Rules across fields of the creditor section; both checks run only on the fields that are present. */
function checkCreditorConsistency(creditor: CreditorDetails | undefined, ctx: z.RefinementCtx) {
	if (!creditor) return;
	// After a failed field the others may hold zod's placeholder: check only real strings.
	const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
	const businessCode = text(creditor.businessCode);
	const vatRegNbr = text(creditor.vatRegNbr);
	const country = text(creditor.countryCode);
	const postalCode = text(creditor.postalCode);
	if (businessCode && vatRegNbr?.startsWith('FI') && vatRegNbr !== finnishVatNumberOf(businessCode)) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['creditor', 'vatRegNbr'],
			message: `expected ${finnishVatNumberOf(businessCode)}, the VAT number of business ID ${businessCode}`,
		});
	}
	if (country === 'FI' && postalCode !== undefined && !/^\d{5}$/.test(postalCode)) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['creditor', 'postalCode'],
			message: 'expected 5 digits for a Finnish postal code, e.g. 00100',
		});
	}
}

const contactsWithPrimary = () =>
	z
		.array(contactSchema())
		.min(1, 'expected at least one contact person')
		.refine((contacts) => contacts.some((c) => c.role === PRIMARY_CONTACT_ROLE), {
			message: 'expected at least one contact person with the role Primary',
		});

/** POST /partner/creditors body. Required: service type, name, business ID, country, a Primary contact. */
function createCreditorBodySchema() {
	return z
		.object({
			service: serviceSchema(),
			creditor: creditorDetailsSchema(),
			contacts: contactsWithPrimary(),
			bankAccounts: z.array(bankAccountSchema()).optional(),
		})
		.strict()
		.superRefine((body, ctx) => checkCreditorConsistency(body.creditor, ctx));
}

/** PUT /partner/creditors/{id} body: every section optional, at least one field to change. */
function updateCreditorBodySchema() {
	return z
		.object({
			service: serviceSchema().partial().optional(),
			creditor: creditorDetailsSchema().partial().optional(),
			contacts: contactsWithPrimary().optional(),
			bankAccounts: z.array(bankAccountSchema()).optional(),
		})
		.strict()
		.superRefine((body, ctx) => {
			const changes = Object.values(body).filter(
				(section) => section !== undefined && (Array.isArray(section) || Object.keys(section).length > 0),
			);
			if (changes.length === 0) {
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Nothing to update: add at least one field to change' });
			}
			checkCreditorConsistency(body.creditor, ctx);
		});
}

export function smsMessageSchema() {
	return z
		.string()
		.refine((message) => message.trim().length > 0, 'must not be empty')
		.superRefine((message, ctx) => {
			const { segments, encoding, units } = segmentSms(message);
			if (segments > SMS_MAX_SEGMENTS) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					message:
						`is ${segments} SMS segments long (${units} ${encoding === 'GSM-7' ? 'GSM-7 characters' : 'UCS-2 units'}); ` +
						`at most ${SMS_MAX_SEGMENTS} segments are allowed` +
						(encoding === 'UCS-2' ? ' — a character outside the GSM alphabet (e.g. an emoji) makes each segment shorter' : ''),
				});
			}
		});
}

/** POST /partner/sms body. */
function sendSmsBodySchema() {
	return z
		.object({
			recipient: normalisedString(normalisePhone),
			message: smsMessageSchema(),
			sender: z
				.string()
				.trim()
				.regex(
					new RegExp(`^(?=.*[A-Za-z])[A-Za-z0-9]{1,${SMS_SENDER_MAX_LENGTH}}$`),
					`expected 1 to ${SMS_SENDER_MAX_LENGTH} letters and digits with at least one letter, no spaces or symbols`,
				)
				.optional(),
			reference: text(SMS_REFERENCE_MAX_LENGTH).optional(),
		})
		.strict();
}

/**
 * The request schemas, built once: building a zod schema costs more than parsing with it, and these are
 * immutable, so every item and execution can share them.
 */
export const createCreditorBody = createCreditorBodySchema();
export const updateCreditorBody = updateCreditorBodySchema();
export const sendSmsBody = sendSmsBodySchema();

export type CreateCreditorBody = z.infer<ReturnType<typeof createCreditorBodySchema>>;
export type UpdateCreditorBody = z.infer<ReturnType<typeof updateCreditorBodySchema>>;
export type SendSmsBody = z.infer<ReturnType<typeof sendSmsBodySchema>>;

// ---- Responses. Passthrough: fields the API adds later reach the user; the fields the node relies on are checked.

const environment = z.enum(API_ENVIRONMENTS);

export const creditorCredentialsSchema = z
	.object({
		creditorId: z.string(),
		customerCode: z.string().optional(),
		apiKey: z.string(),
		environment,
		validUntil: z.string().optional(),
	})
	.passthrough();

export const createCreditorResponseSchema = z
	.object({
		creditorId: z.string(),
		customerCode: z.string(),
		paymentReferencePrefix: z.string().optional(),
		credentials: z.object({ apiKey: z.string(), environment }).passthrough(),
	})
	.passthrough();

/**
 * A section of a stored creditor as the API returns it: the same wire names as the request body, but any
 * string, as stored (the formats are checked when the node sends, not when it reads back).
 */
const storedSection = (fields: Record<string, FieldSpec>) =>
	z.object(Object.fromEntries(Object.values(fields).map((field) => [field.wire, z.string().nullish()]))).passthrough();

/** PUT /partner/creditors/{id} answer: the creditor as stored after the update. [assumed] */
export const storedCreditorSchema = z
	.object({
		creditorId: z.string(),
		customerCode: z.string().optional(),
		service: storedSection(SERVICE_FIELDS).optional(),
		creditor: storedSection(CREDITOR_FIELDS).optional(),
		contacts: z.array(storedSection(CONTACT_FIELDS)).optional(),
		bankAccounts: z.array(storedSection(BANK_ACCOUNT_FIELDS)).optional(),
		updatedAt: z.string().optional(),
	})
	.passthrough();

export const agreementSchema = z
	.object({
		agreementId: z.string(),
		system: z.string().optional(),
		type: z.string().optional(),
		status: z.string().optional(),
		validFrom: z.string().optional(),
		validTo: z.string().nullish(),
	})
	.passthrough();

export const agreementsResponseSchema = z
	.object({ creditorId: z.string(), agreements: z.array(agreementSchema) })
	.passthrough();

export const deliverySchema = z
	.object({
		invoiceNumber: z.string(),
		caseId: z.string().optional(),
		channel: z.string().optional(),
		status: z.enum(valuesOf(DELIVERY_STATUSES)).or(z.string()),
		statusMessage: z.string().nullish(),
		recipient: z.string().nullish(),
		updatedAt: z.string().optional(),
	})
	.passthrough();

export const deliveriesPageSchema = z
	.object({
		metaData: z
			.object({
				totalCount: z.number().int().nonnegative(),
				successfulCount: z.number().int().optional(),
				failedCount: z.number().int().optional(),
				page: z.number().int().positive(),
				pageSize: z.number().int().positive(),
			})
			.passthrough(),
		deliveries: z.array(deliverySchema),
	})
	.passthrough();

export const sendSmsResponseSchema = z
	.object({
		messageId: z.string(),
		recipient: z.string(),
		segments: z.number().int().positive(),
		deliveryReport: z
			.object({
				status: z.enum(SMS_REPORT_STATUSES).or(z.string()),
				statusMessage: z.string().nullish(),
				updatedAt: z.string().optional(),
			})
			.passthrough(),
	})
	.passthrough();

/** [assumed] error body; clients must also cope with empty, text and HTML bodies. */
export const errorBodySchema = z
	.object({
		message: z.string().optional(),
		code: z.string().optional(),
		errors: z.array(z.object({ field: z.string(), message: z.string() }).passthrough()).optional(),
	})
	.passthrough();

export type Delivery = z.infer<typeof deliverySchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;
