/** Shared setup for engine tests: one emulator per test file, credentials for it, seeded creditors. */
import type { IDataObject } from 'n8n-workflow';

import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator/server';
import { businessIdFor } from '../../emulator/seed';
import type { StoredCreditor } from '../../emulator/state';
import { type RunOptions, type RunResult, runNode, type TestCredential } from '../../testing/engine';

export const TODAY = '2026-11-24';

/** Starts an emulator for the file; returns a getter, since it exists only once beforeAll ran. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ today: TODAY, ...options });
	});
	afterEach(() => {
		emulator?.faults.clear();
		emulator!.requests.length = 0;
		emulator!.drifts.length = 0;
		emulator!.peakInFlight = 0;
	});
	afterAll(async () => emulator?.close());
	return () => emulator!;
}

export const credentialOf = (emulator: Emulator, overrides: Partial<TestCredential> = {}): TestCredential => ({
	apiKey: emulator.partnerKey,
	environment: 'sandbox',
	sandboxBaseUrl: emulator.baseUrl,
	...overrides,
});

let creditorCounter = 0;

/** A fresh creditor in the emulator's state (not through the API), with a unique business ID. */
export function addCreditor(emulator: Emulator, name = 'Esimerkki Oy'): StoredCreditor {
	creditorCounter++;
	return emulator.state.createCreditor({
		service: { type: 'LIFECYCLE' },
		creditor: { name, businessCode: businessIdFor(500 + creditorCounter + Math.floor(Math.random() * 100000)), countryCode: 'FI' },
		contacts: [{ role: 'PRIMARY', name: 'Maija Meikäläinen' }],
	});
}

export function run(emulator: Emulator, options: Omit<RunOptions, 'credential'> & { credential?: Partial<TestCredential> }): Promise<RunResult> {
	return runNode({ ...options, credential: credentialOf(emulator, options.credential) });
}

/** Everything a user could see of a run: output items, error message, description and details. */
export function visibleText(result: RunResult): string {
	const error = result.error as (IDataObject & { message?: string; description?: string }) | undefined;
	return JSON.stringify({
		outputs: result.outputs,
		error: error ? { message: error.message, description: error.description, ...JSON.parse(JSON.stringify(error)) } : null,
	});
}

export const jsonOf = (result: RunResult, output = 0) => result.outputs[output]?.map((item) => item.json) ?? [];
export const pairingOf = (result: RunResult, output = 0) => result.outputs[output]?.map((item) => item.pairedItem) ?? [];

/** A Create node that reads every value from the incoming item, as a spreadsheet-driven workflow does. */
export const createFromItems = {
	resource: 'creditor',
	operation: 'create',
	serviceType: 'LIFECYCLE',
	name: '={{ $json.name }}',
	businessId: '={{ $json.businessId }}',
	country: 'FI',
	contacts: { contact: [{ role: 'PRIMARY', name: 'Maija Meikäläinen' }] },
};
