/**
 * The Cash-In emulator in its own process (`emulator/cli.ts`), for the scripts whose load would starve
 * an in-process emulator (benchmarks, the queue tier): started and stopped through the process registry,
 * driven through its control API.
 */

import { type ServerProcess, startServer } from './processes';
import { builtPath } from './paths';

export interface EmulatorProcess {
	server: ServerProcess;
	baseUrl: string;
	controlUrl: string;
	partnerKey: string;
	/** One call to the control API (`/__emulator/…`); its JSON answer, or undefined for 204. */
	control<T = unknown>(method: string, what: string, body?: unknown): Promise<T>;
}

export async function startEmulatorProcess(options: { latencyMs?: number; latencySpreadMs?: number; recordRequests?: boolean } = {}): Promise<EmulatorProcess> {
	const args = [builtPath('emulator/cli.ts')];
	if (options.latencyMs) args.push('--latency', String(options.latencyMs));
	if (options.latencySpreadMs) args.push('--latency-spread', String(options.latencySpreadMs));
	if (options.recordRequests === false) args.push('--no-log');
	const server = startServer('emulator', process.execPath, args);
	// Its first line is one JSON object with its URLs and key.
	const urls = JSON.parse(await server.waitForLine(/^\{/, 30_000)) as Pick<EmulatorProcess, 'baseUrl' | 'controlUrl' | 'partnerKey'>;
	return {
		server,
		...urls,
		async control<T>(method: string, what: string, body?: unknown) {
			const response = await fetch(urls.controlUrl + what, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
			if (!response.ok) throw new Error(`emulator ${method} ${what}: HTTP ${response.status}`);
			return (response.status === 204 ? undefined : await response.json()) as T;
		},
	};
}
