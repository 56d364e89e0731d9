/** Every resource and its operations: the router's operation table is checked against this map. */
export type NodeMap = {
	agreement: 'getAll';
	creditor: 'create' | 'update';
	creditorCredential: 'get';
	delivery: 'getAll' | 'getChanges';
	sms: 'send';
};

export type ResourceName = keyof NodeMap;
