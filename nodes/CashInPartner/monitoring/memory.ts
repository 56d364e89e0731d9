/**
 * Where a watcher (the trigger, Invoice Delivery → Get Changes) keeps its memory: in the workflow's static
 * data, under the node's ID. n8n's per-node static data (`getWorkflowStaticData('node')`) is keyed by the
 * node's *name*, and n8n does not move it when a node is renamed — 0.4.0 kept it there, so a rename lost the
 * memory (and, with Get Changes' marker kept under the node's ID, stopped every later run). The ID stays.
 *
 * Saving: n8n saves static data after a production run only when it was changed at its top level or in an
 * object it loaded; `save` therefore sets the whole state under the node's key.
 */
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

export interface WatcherMemory {
	/** What earlier runs kept (empty when nothing). */
	stored: IDataObject;
	/** Keeps `state` as this node's memory (and drops what 0.4.0 kept under the node's name). */
	save(state: IDataObject): void;
}

export const memoryKey = (nodeId: string) => `cashInPartner:${nodeId}`;

export function watcherMemory(ctx: IExecuteFunctions | IPollFunctions): WatcherMemory {
	const global = ctx.getWorkflowStaticData('global');
	const key = memoryKey(ctx.getNode().id);
	const byName = ctx.getWorkflowStaticData('node');
	const own = global[key];
	const stored = own !== null && typeof own === 'object' ? (own as IDataObject) : Object.keys(byName).length ? { ...byName } : {};
	return {
		stored,
		save(state) {
			global[key] = state;
			for (const name of Object.keys(byName)) delete byName[name];
		},
	};
}
