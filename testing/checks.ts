/** The small check runner of the script-driven tiers (e2e, installer, queue): named checks, timings, a summary. */
export interface CheckResult {
	name: string;
	error?: unknown;
}

export function createChecks() {
	const results: CheckResult[] = [];
	async function check(name: string, body: () => unknown | Promise<unknown>) {
		const started = Date.now();
		try {
			await body();
			results.push({ name });
			console.log(`  ✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		} catch (error) {
			results.push({ name, error });
			console.log(`  ✘ ${name}\n      ${String((error as Error)?.stack ?? error).split('\n').slice(0, 6).join('\n      ')}`);
		}
	}
	const failed = () => results.filter((r) => r.error).length;
	const summary = () => `${results.length - failed()} passed, ${failed()} failed`;
	return { check, failed, summary, results };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a value; fails naming `what` once `timeoutMs` has passed. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await delay(everyMs);
	}
}
