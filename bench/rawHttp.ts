/**
 * The raw-HTTP baseline of the benchmarks: undici, `parallel` workers over a pool of as many kept-alive
 * connections, each sending its share of `count` requests in turn — what a client that adds nothing gets
 * from the emulator. With `newConnectionEach`, every request opens (and closes) a connection of its own,
 * as n8n's request path does: what that alone costs. Resolves to the milliseconds it took.
 */
import { Client, Pool } from 'undici';

import { API_KEY_HEADER } from '../nodes/CashInPartner/contract/endpoints';
import type { EmulatorProcess } from '../testing/emulatorProcess';

export interface RawRequest {
	method: 'GET' | 'POST';
	/** Path and query below the API's base URL. */
	path: string;
	body?: string;
}

export async function rawRequests(
	emulator: EmulatorProcess,
	count: number,
	parallel: number,
	request: (i: number) => RawRequest,
	options: { newConnectionEach?: boolean } = {},
): Promise<number> {
	const origin = new URL(emulator.baseUrl);
	const pool = new Pool(origin.origin, { connections: parallel });
	let next = 0;
	const send = async ({ method, path, body }: RawRequest) => {
		const client = options.newConnectionEach ? new Client(origin.origin) : pool;
		try {
			const response = await client.request({
				method,
				path: origin.pathname + path,
				body,
				headers: { [API_KEY_HEADER]: emulator.partnerKey, 'content-type': 'application/json', accept: 'application/json' },
			});
			await response.body.json();
			if (response.statusCode >= 300) throw new Error(`the raw baseline got HTTP ${response.statusCode} for ${method} ${path}`);
		} finally {
			if (client !== pool) await client.close();
		}
	};
	const worker = async () => {
		while (next < count) await send(request(next++));
	};
	const started = performance.now();
	try {
		await Promise.all(Array.from({ length: parallel }, worker));
	} finally {
		await pool.close();
	}
	return performance.now() - started;
}
