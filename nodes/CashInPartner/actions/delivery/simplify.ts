import type { IDataObject } from 'n8n-workflow';

import type { Delivery } from '../../contract/schemas';

const SIMPLE_FIELDS = ['invoiceNumber', 'caseId', 'channel', 'status', 'statusMessage', 'recipient', 'updatedAt'] as const satisfies ReadonlyArray<keyof Delivery>;

/** The fields a person acts on, in a fixed order; a field Cash-In left out is null, so columns line up. */
export function simplifyDelivery(delivery: Delivery): IDataObject {
	return Object.fromEntries(SIMPLE_FIELDS.map((field) => [field, delivery[field] ?? null]));
}
