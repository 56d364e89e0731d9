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
