/** The workflow both n8n benchmarks run: Manual Trigger → the rows (a Set node) → Split Out → the measured node. */
export function rowsWorkflow(id: string, rows: Array<Record<string, unknown>>, measured: Record<string, unknown> & { name: string }) {
	return {
		id,
		name: id,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-2`, name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }) } },
			{ id: `${id}-3`, name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{ id: `${id}-4`, position: [600, 0], ...measured },
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: measured.name, type: 'main', index: 0 }]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
	};
}
