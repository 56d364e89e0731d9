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
	/** Ends a tier: what ran and how long it took, the summary, and exit code 1 when a check failed. */
	const finish = (heading: string, startedMs: number): never => {
		console.log(`\n${heading}, ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
		console.log(summary());
		process.exit(failed() ? 1 : 0);
	};
	return { check, failed, summary, finish, results };
}

/** Runs a tier's main; anything it throws outside a check fails the tier. */
export function runTier(main: () => Promise<unknown>): void {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
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
