import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CashInClient } from '../transport';

/** One operation: its own parameters, and what it does for one input item. */
export interface Operation {
	description: INodeProperties[];
	/** Returns the output of one item: one object, or one per result (Get Many). */
	execute(this: IExecuteFunctions, itemIndex: number, api: CashInClient): Promise<IDataObject | IDataObject[]>;
}
