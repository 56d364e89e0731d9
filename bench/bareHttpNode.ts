/**
 * The floor for any node built the n8n way: one `httpRequestWithAuthentication` per item with the same
 * credential, bounded parallelism, and nothing else — no validation, retries or error mapping. The
 * benchmark compares the Cash-In Partner node with it to separate this package's cost from n8n's.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export const BARE_HTTP_TYPE = 'bench.bareHttp';

export class BareHttp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bare HTTP (benchmark floor)',
		name: 'bareHttp',
		group: ['transform'],
		version: 1,
		description: 'Benchmark only',
		defaults: { name: 'Bare HTTP' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'cashInPartnerApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
			{ displayName: 'Parallel', name: 'parallel', type: 'number', default: 8 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const parallel = this.getNodeParameter('parallel', 0) as number;
		const results: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const body = this.getNodeParameter('body', i) as string;
				const json = (await this.helpers.httpRequestWithAuthentication.call(this, 'cashInPartnerApi', {
					method: this.getNodeParameter('method', i) as 'GET' | 'POST',
					url: this.getNodeParameter('url', i) as string,
					body: body ? (JSON.parse(body) as IDataObject) : undefined,
					json: true,
				})) as IDataObject;
				results[i] = { json, pairedItem: { item: i } };
			}
		};
		await Promise.all(Array.from({ length: parallel }, worker));
		return [results];
	}
}
