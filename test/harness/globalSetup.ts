/** One n8n user folder for the whole jest run (n8n-core writes its config there), removed by globalTeardown. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup() {
	if (process.env.N8N_USER_FOLDER) return; // the caller's folder: used, never removed
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'cash-in-partner-n8n-'));
	process.env.CASHIN_JEST_USER_FOLDER = process.env.N8N_USER_FOLDER;
}
