/**
 * `npm start`: a working n8n with this package, for someone without a partner key.
 * Builds the package (npm script), installs Node 24 + n8n 2.41.1 once into a cache, starts the Cash-In
 * emulator with demo data (or uses CASHIN_API_KEY + CASHIN_BASE_URL), starts n8n on 127.0.0.1:5678 with
 * the packed package, a credential and every example workflow, and prints the editor URL and login.
 * Ctrl-C stops everything it started and removes its temporary n8n folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PRODUCTION_BASE_URL } from '../nodes/CashInPartner/contract/endpoints';
import { type Emulator, startEmulator } from '../emulator/server';
import { EMULATOR_CREDENTIAL } from '../testing/n8n';
import { importCredentials, importWorkflows, OWNER, portIsFree, prepareN8n, setUpOwner, startN8nServer, stopN8nServer } from '../testing/n8n';
import { PROJECT_ROOT } from '../testing/paths';

const ROOT = PROJECT_ROOT;
const PORT = Number(process.env.N8N_PORT ?? 5678);

async function main() {
	const realKey = process.env.CASHIN_API_KEY;
	const realUrl = process.env.CASHIN_BASE_URL;
	if (Boolean(realKey) !== Boolean(realUrl)) {
		throw new Error('Set both CASHIN_API_KEY and CASHIN_BASE_URL to use a real Cash-In API, or neither for the local emulator.');
	}
	if (!(await portIsFree(PORT))) {
		throw new Error(`Port ${PORT} is in use. Stop what runs there, or set N8N_PORT to another port.`);
	}

	let emulator: Emulator | undefined;
	let credential: { id: string; name: string; type: string; data: Record<string, string> };
	if (realKey && realUrl) {
		const environment = process.env.CASHIN_ENVIRONMENT ?? (realUrl.replace(/\/+$/, '') === PRODUCTION_BASE_URL ? 'production' : 'sandbox');
		credential = {
			id: EMULATOR_CREDENTIAL.id,
			name: 'Cash-In Partner',
			type: 'cashInPartnerApi',
			data: environment === 'production' ? { apiKey: realKey, environment, baseUrl: realUrl } : { apiKey: realKey, environment, sandboxBaseUrl: realUrl },
		};
		console.log(`Using the Cash-In API at ${realUrl} (${environment}).`);
	} else {
		emulator = await startEmulator({ recordRequests: false });
		emulator.seedDemo();
		credential = {
			...EMULATOR_CREDENTIAL,
			type: 'cashInPartnerApi',
			data: { apiKey: emulator.partnerKey, environment: 'sandbox', sandboxBaseUrl: emulator.baseUrl },
		};
		console.log(`Cash-In emulator with demo data: ${emulator.baseUrl} (creditors c_00001…c_00004)`);
	}

	const n8n = await prepareN8n({ port: PORT });
	let stopping = false;
	let server: Awaited<ReturnType<typeof startN8nServer>> | undefined;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulator…');
		if (server) await stopN8nServer(server);
		await emulator?.close();
		fs.rmSync(n8n.home, { recursive: true, force: true });
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());

	console.log('Importing the credential and the example workflows…');
	await importCredentials(n8n, [credential]);
	const examples = fs.readdirSync(path.join(ROOT, 'examples')).map((file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')));
	await importWorkflows(n8n, examples);
	console.log(`Starting n8n ${n8n.runtime.version}…`);
	server = await startN8nServer(n8n);
	server.once('exit', () => void stop());
	await setUpOwner(n8n);

	console.log(`
  n8n is ready:   http://127.0.0.1:${PORT}
  Log in with:    ${OWNER.email} / ${OWNER.password}
  Credential:     "${credential.name}"
  Workflows:      ${examples.map((w) => w.name).join('\n                  ')}

  Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
	console.error(`npm start failed: ${(error as Error).message}`);
	process.exit(1);
});
