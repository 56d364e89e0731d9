/**
 * Runs `task` for 0..count-1 with at most `parallel` at once; stops starting new ones once `stop()` is
 * true (the started ones finish). The request gate bounds the requests; this bounds the tasks waiting on it.
 */
export async function forEachBounded(count: number, parallel: number, task: (index: number) => Promise<void>, stop: () => boolean = () => false) {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}
