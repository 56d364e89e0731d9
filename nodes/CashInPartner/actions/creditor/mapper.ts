/**
 * Creditor → Create / Update from a sheet row, with n8n's resource mapper ("Map Each Column Manually" or
 * "Map Automatically"), as n8n's record nodes offer it.
 *
 * A row is flat, a creditor is not: it has sections and lists. So the mapper offers one column per
 * creditor field, and the lists as numbered columns — a first contact person (the Primary one, by
 * default) and a second, a first bank account and a second — which covers what a sheet row holds; more
 * contacts or accounts go through the fields or JSON modes. The column names are the field labels
 * (e.g. "Business ID"): "Map Automatically" takes a row's value for every column named like a field,
 * exactly as n8n's Google Sheets node matches columns, and also when the names differ only in case,
 * spaces or punctuation (`businessId`, `business_id`, `BUSINESS ID`).
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { CONTACT_ROLES, PRIMARY_CONTACT_ROLE, SERVICE_TYPES } from '../../contract/endpoints';
import { BANK_ACCOUNT_FIELDS, CONTACT_FIELDS, CREDITOR_FIELDS, type CreditorForm, SERVICE_FIELDS } from '../../contract/fields';

interface Column {
	id: string;
	/** Where the value goes in the creditor form: a field by its node name, or a list entry's field. */
	target: { fields: string } | { list: 'contacts' | 'bankAccounts'; index: number; field: string };
	requiredToCreate?: boolean;
	options?: ReadonlyArray<{ value: string; name: string }>;
}

const ORDINALS = ['', 'Second '];

/** The mapper's columns, in the order a person fills a creditor in. */
const COLUMNS: Column[] = [
	{ id: SERVICE_FIELDS.serviceType.label, target: { fields: 'serviceType' }, requiredToCreate: true, options: SERVICE_TYPES },
	...(['name', 'businessId', 'vatNumber', 'streetAddress', 'postalCode', 'city', 'country', 'language', 'phone', 'email', 'website'] as const).map(
		(key): Column => ({ id: CREDITOR_FIELDS[key].label, target: { fields: key }, requiredToCreate: ['name', 'businessId', 'country'].includes(key) }),
	),
	{ id: SERVICE_FIELDS.partnerCode.label, target: { fields: 'partnerCode' } },
	...ORDINALS.flatMap((ordinal, index) =>
		(['name', 'role', 'email', 'phone'] as const).map(
			(field): Column => ({
				id: `${ordinal}Contact ${CONTACT_FIELDS[field].label}`,
				target: { list: 'contacts', index, field },
				requiredToCreate: index === 0 && field === 'name',
				options: field === 'role' ? CONTACT_ROLES : undefined,
			}),
		),
	),
	...ORDINALS.flatMap((ordinal, index) =>
		(['iban', 'bic'] as const).map((field): Column => ({ id: `${ordinal}${BANK_ACCOUNT_FIELDS[field].label}`, target: { list: 'bankAccounts', index, field } })),
	),
];

function fieldsFor(mode: 'create' | 'update'): ResourceMapperFields {
	return {
		fields: COLUMNS.map(
			(column): ResourceMapperField => ({
				id: column.id,
				displayName: column.id,
				required: mode === 'create' && column.requiredToCreate === true,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: column.options ? 'options' : 'string',
				options: column.options?.map(({ name, value }) => ({ name, value })),
				// Said outright: the editor writes it into the node when the mapping mode changes, and a
				// parameter that changes after a run marks the step stale (its next step would run it again).
				removed: false,
			}),
		),
	};
}

/** The resource mapper's methods (`methods.resourceMapping` of the node). */
export const resourceMapping = {
	async getCreditorColumnsForCreate(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return fieldsFor('create');
	},
	async getCreditorColumnsForUpdate(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		return fieldsFor('update');
	},
};

export const columnsParameter = (mode: 'create' | 'update', description: string): INodeProperties => ({
	displayName: 'Columns',
	name: 'columns',
	type: 'resourceMapper',
	noDataExpression: true,
	required: true,
	default: { mappingMode: 'defineBelow', value: null },
	description,
	typeOptions: {
		resourceMapper: {
			resourceMapperMethod: mode === 'create' ? 'getCreditorColumnsForCreate' : 'getCreditorColumnsForUpdate',
			mode: mode === 'create' ? 'add' : 'update',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: mode === 'create',
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	displayOptions: { show: { inputMode: ['mapper'] } },
});

/** A column name as it compares: case, spaces and punctuation do not count. */
const comparable = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const COLUMN_BY_COMPARABLE = new Map(COLUMNS.map((column) => [comparable(column.id), column]));

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * The values of a row for the mapper's columns: by column name (Map Each Column Manually gives exactly
 * these), or from any input field named like a column (Map Automatically). Fields that match no column
 * are left out; so are empty values, so Update sends only what the row holds.
 */
export function rowValues(row: IDataObject): Map<Column, unknown> {
	const values = new Map<Column, unknown>();
	for (const [name, value] of Object.entries(row)) {
		const column = COLUMN_BY_COMPARABLE.get(comparable(name));
		if (column && !isBlank(value) && !values.has(column)) values.set(column, value);
	}
	return values;
}

/**
 * The creditor form of a mapped row. A contact with a name but no role is the Primary one when it is the
 * first; lists are given only when the row fills at least one of their columns.
 */
export function formOfRow(row: IDataObject): CreditorForm {
	const form: CreditorForm = { fields: {} };
	const lists: Record<'contacts' | 'bankAccounts', Array<Record<string, unknown>>> = { contacts: [], bankAccounts: [] };
	for (const [column, value] of rowValues(row)) {
		const target = column.target;
		if ('fields' in target) form.fields[target.fields] = typeof value === 'string' ? value : String(value);
		else (lists[target.list][target.index] ??= {})[target.field] = typeof value === 'string' ? value : String(value);
	}
	if (lists.contacts[0] && isBlank(lists.contacts[0].role)) lists.contacts[0].role = PRIMARY_CONTACT_ROLE;
	for (const list of ['contacts', 'bankAccounts'] as const) {
		const entries = lists[list].filter(Boolean);
		if (entries.length) form[list] = entries;
	}
	return form;
}

/**
 * The row the mapper gives for an item: the columns as mapped (Map Each Column Manually), or the input
 * item itself (Map Automatically), whose fields `formOfRow` matches to the columns by name.
 */
export function mappedRow(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const mode = ctx.getNodeParameter('columns.mappingMode', itemIndex, 'defineBelow') as string;
	if (mode === 'autoMapInputData') return ctx.getInputData()[itemIndex]?.json ?? {};
	return (ctx.getNodeParameter('columns.value', itemIndex, {}) as IDataObject | null) ?? {};
}
