/**
 * Debian's Chromium (never a downloaded browser), headless and kept on loopback, logged in to a local n8n
 * as the owner — for the e2e tier's editor check and the editor tier.
 */
import * as fs from 'node:fs';

import type { Browser, Page } from 'playwright-core';

import { OWNER } from './n8n';

/** Without these, Chromium keeps calling out (Google's hosts, component updates) on a closed network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

export const chromiumPath = () => ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => fs.existsSync(file));

export async function launchChromium(): Promise<Browser> {
	const executablePath = chromiumPath();
	if (!executablePath) throw new Error("Debian's chromium is not installed (apt-get install chromium)");
	const { chromium } = await import('playwright-core');
	return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Logs in from inside the page: n8n binds its cookie to a browser id kept in the page's localStorage. */
export async function logIn(page: Page, base: string) {
	await page.goto(`${base}/signin`);
	await page.evaluate(
		async ({ email, password }) => {
			const storage = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage;
			const response = await fetch('/rest/login', { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': storage.getItem('n8n-browserId') ?? '' }, body: JSON.stringify({ emailOrLdapLoginId: email, password }) });
			if (!response.ok) throw new Error(`login failed: ${response.status}`);
		},
		{ email: OWNER.email, password: OWNER.password },
	);
}
