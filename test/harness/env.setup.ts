// n8n-core reads these when it loads: without them it would write ~/.n8n/config.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'cash-in-partner-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'cash-in-partner-tests';
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
