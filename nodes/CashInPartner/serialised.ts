/**
 * One queue per key in this n8n process: work for the same key runs one piece after another. n8n runs
 * executions of one workflow concurrently in one process (a webhook called twice, a schedule firing while
 * the last run is still going), and what the nodes keep across executions — n8n's deduplication table,
 * read, changed and written back whole; a trigger's memory — must not be read by one while another writes.
 * Across processes (queue-mode workers) n8n offers no lock; docs/scaling.md says what follows.
 */
const queues = new Map<string, Promise<unknown>>();

export function serialised<T>(queue: string, work: () => Promise<T>): Promise<T> {
	const previous = queues.get(queue) ?? Promise.resolve();
	const result = previous.then(work, work);
	const tail = result.then(
		() => undefined,
		() => undefined,
	);
	queues.set(queue, tail);
	void tail.then(() => {
		if (queues.get(queue) === tail) queues.delete(queue);
	});
	return result;
}
