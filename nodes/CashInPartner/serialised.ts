/**
 * One queue per key in this n8n process: work for the same key runs one piece after another. n8n runs
 * executions of one workflow concurrently in one process (a webhook called twice, a schedule firing while
 * the last run is still going), and what the nodes keep across executions — n8n's deduplication table,
 * read, changed and written back whole; a trigger's memory — must not be read by one while another writes.
 * Across processes (queue-mode workers) n8n offers no lock; docs/scaling.md says what follows.
 */
import { type INode, NodeOperationError, sleep } from 'n8n-workflow';

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

/**
 * A call to n8n's deduplication table, tried up to 3 times. When a node's row does not exist yet, n8n
 * inserts it; two processes (queue-mode workers) doing that at the same moment make one insert fail with a
 * unique-key error — having written nothing — and the next try finds the row and updates it.
 */
export async function storeCall<T>(node: INode, call: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (attempt >= 3) {
				throw new NodeOperationError(node, error as Error, {
					message: "n8n's deduplication table could not be read or written",
					description: "The node remembers there what it sent or reported (Skip Items Sent Before, Get Changes). Check n8n's database connection; the execution's items show what was sent.",
				});
			}
			await sleep(50 + Math.floor(Math.random() * 100) * attempt);
		}
	}
}
