/**
 * Runs the emulator in its own process (npm start, the e2e tier, the benchmark). Prints one JSON line
 * with its URLs when it listens; stops on SIGINT/SIGTERM or when its parent goes away.
 *
 *   node build/emulator/cli.js [--port 0] [--latency 0] [--latency-spread 0] [--demo] [--partner-key KEY] [--no-log]
 */
import { parseArgs } from 'node:util';

import { startEmulator } from './server';

async function main() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '0' },
			latency: { type: 'string', default: '0' },
			'latency-spread': { type: 'string', default: '0' },
			'partner-key': { type: 'string' },
			demo: { type: 'boolean', default: false },
			'no-log': { type: 'boolean', default: false },
		},
	});
	const emulator = await startEmulator({
		port: Number(values.port),
		latencyMs: Number(values.latency),
		latencySpreadMs: Number(values['latency-spread']),
		partnerKey: values['partner-key'],
		recordRequests: !values['no-log'],
	});
	if (values.demo) emulator.seedDemo();
	process.stdout.write(`${JSON.stringify({ baseUrl: emulator.baseUrl, controlUrl: emulator.controlUrl, partnerKey: emulator.partnerKey })}\n`);
	const stop = () => void emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	process.on('disconnect', stop);
}

void main();
