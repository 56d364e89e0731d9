/**
 * Which node field fills which body field, and the label users see for it. The node's parameter names
 * (left) are this package's own and stay stable for saved workflows; the wire names (right) are the
 * API's, [sibling] where the sibling API shows them and [assumed] otherwise.
 */

export interface FieldSpec {
	readonly wire: string;
	readonly label: string;
}

export const SERVICE_FIELDS = {
	serviceType: { wire: 'type', label: 'Service Type' },
	partnerCode: { wire: 'partnerCode', label: 'Partner Code' },
} as const satisfies Record<string, FieldSpec>;

export const CREDITOR_FIELDS = {
	name: { wire: 'name', label: 'Company Name' },
	businessId: { wire: 'businessCode', label: 'Business ID' },
	vatNumber: { wire: 'vatRegNbr', label: 'VAT Number' },
	streetAddress: { wire: 'postalAddress', label: 'Street Address' },
	postalCode: { wire: 'postalCode', label: 'Postal Code' },
	city: { wire: 'postalDistrict', label: 'City' },
	country: { wire: 'countryCode', label: 'Country Code' },
	language: { wire: 'languageCode', label: 'Language' },
	phone: { wire: 'telephone', label: 'Phone' },
	email: { wire: 'email', label: 'Email' },
	website: { wire: 'website', label: 'Website' },
} as const satisfies Record<string, FieldSpec>;

export const CONTACT_FIELDS = {
	role: { wire: 'role', label: 'Role' },
	name: { wire: 'name', label: 'Name' },
	email: { wire: 'email', label: 'Email' },
	phone: { wire: 'telephone', label: 'Phone' },
} as const satisfies Record<string, FieldSpec>;

export const BANK_ACCOUNT_FIELDS = {
	iban: { wire: 'iban', label: 'IBAN' },
	bic: { wire: 'bic', label: 'BIC' },
} as const satisfies Record<string, FieldSpec>;

export const SMS_FIELDS = {
	recipient: { wire: 'recipient', label: 'Recipient' },
	message: { wire: 'message', label: 'Message' },
	senderName: { wire: 'sender', label: 'Sender Name' },
	reference: { wire: 'reference', label: 'Reference' },
} as const satisfies Record<string, FieldSpec>;

/** The sections of a creditor body, with the labels of the node fields that fill them. */
export const CREDITOR_SECTIONS = {
	service: { wire: 'service', label: 'Service', fields: SERVICE_FIELDS },
	creditor: { wire: 'creditor', label: 'Creditor', fields: CREDITOR_FIELDS },
	contacts: { wire: 'contacts', label: 'Contact Persons', fields: CONTACT_FIELDS },
	bankAccounts: { wire: 'bankAccounts', label: 'Bank Accounts', fields: BANK_ACCOUNT_FIELDS },
} as const;

type Section = (typeof CREDITOR_SECTIONS)[keyof typeof CREDITOR_SECTIONS];

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Renames the node's values to the wire's names, leaving out what the user left empty. */
export function toWire(fields: Record<string, FieldSpec>, values: Record<string, unknown>): Record<string, unknown> {
	const wire: Record<string, unknown> = {};
	for (const [key, spec] of Object.entries(fields)) {
		if (!isBlank(values[key])) wire[spec.wire] = values[key];
	}
	return wire;
}

/** A label for a position in a body, e.g. `['contacts', 1, 'telephone']` → "Contact Persons (2) › Phone". */
export function labelOfPath(path: ReadonlyArray<string | number>): string {
	const [sectionName, ...rest] = path;
	const section: Section | undefined = Object.values(CREDITOR_SECTIONS).find((s) => s.wire === sectionName);
	const bodyFields: Record<string, FieldSpec> = section ? section.fields : SMS_FIELDS;
	const fieldName = section ? rest.find((part) => typeof part === 'string') : sectionName;
	const position = rest.find((part) => typeof part === 'number');
	const field = Object.values(bodyFields).find((spec) => spec.wire === fieldName);
	const parts: string[] = [];
	if (section && (section.wire === 'contacts' || section.wire === 'bankAccounts' || !field)) {
		parts.push(position === undefined ? section.label : `${section.label} (${position + 1})`);
	}
	if (field) parts.push(field.label);
	else if (fieldName !== undefined && section) parts.push(String(fieldName));
	return parts.length ? parts.join(' › ') : path.join('.');
}

export interface CreditorForm {
	/** Service and creditor fields by node name, e.g. `{ serviceType, name, businessId, city }`. */
	fields: Record<string, unknown>;
	contacts?: Array<Record<string, unknown>>;
	bankAccounts?: Array<Record<string, unknown>>;
}

/** A creditor body in the API's layout from the node's fields; empty sections are left out. */
export function buildCreditorBody(form: CreditorForm): Record<string, unknown> {
	const { service, creditor, contacts, bankAccounts } = CREDITOR_SECTIONS;
	const body: Record<string, unknown> = {};
	const serviceSection = toWire(service.fields, form.fields);
	const creditorSection = toWire(creditor.fields, form.fields);
	if (Object.keys(serviceSection).length) body[service.wire] = serviceSection;
	if (Object.keys(creditorSection).length) body[creditor.wire] = creditorSection;
	if (form.contacts) body[contacts.wire] = form.contacts.map((c) => toWire(contacts.fields, c));
	if (form.bankAccounts) body[bankAccounts.wire] = form.bankAccounts.map((a) => toWire(bankAccounts.fields, a));
	return body;
}

/** The SMS body from the node's fields. */
export const buildSmsBody = (values: Record<string, unknown>) => toWire(SMS_FIELDS, values);
