import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations: the router and the descriptions are typed against this map. */
export type NodeMap = {
	agreement: 'getAll';
	creditor: 'create' | 'update';
	creditorCredential: 'get';
	delivery: 'getAll' | 'getChanges';
	sms: 'send';
};

export type CashInPartnerType = AllEntities<NodeMap>;
export type ResourceName = keyof NodeMap;
