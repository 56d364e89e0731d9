/**
 * Server processes a script starts and must never leave behind: each runs in its own process group (so
 * n8n's task runners and Postgres's backends go with it), its output is kept in memory for assertions,
 * and one registry stops them all — at the end, on failure, on Ctrl-C, and on `process.exit`.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

export interface ServerProcess {
	name: string;
	child: ChildProcess;
	/** Every line it printed (stdout and stderr), in order. */
	lines: string[];
	/** Resolves with the first printed line matching `pattern`, or rejects when it exits or time runs out. */
	waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
	/** Sends `signal` to its group, then SIGKILL to the group if it has not exited within `graceMs`. */
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
	/** SIGKILL to the whole group at once: a crash, as when a machine or container dies. */
	kill(): Promise<void>;
	readonly exited: boolean;
}

const running = new Set<ServerProcess>();
const folders = new Set<string>();
let hooked = false;
let interruptedBy: NodeJS.Signals | undefined;

/** The signal that interrupted the script, if one did: what is still to run should not start. */
export const interrupted = () => interruptedBy;

/** Removes `dir` when the script ends, however it ends. */
export function removeOnExit(dir: string): string {
	hookExit();
	folders.add(dir);
	return dir;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
	try {
		process.kill(-child.pid!, signal);
	} catch {
		// already gone
	}
}

/** Last resort, synchronous: what is still running is killed, the folders removed. */
function killEverything() {
	for (const server of running) killGroup(server.child, 'SIGKILL');
	running.clear();
	for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
	folders.clear();
}

function hookExit() {
	if (hooked) return;
	hooked = true;
	process.on('exit', killEverything);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			// A script with its own handler (npm run start:queue) stops things itself; `exit` still sweeps.
			if (process.listenerCount(signal) > 1) return;
			interruptedBy = signal;
			console.log(`\n${signal}: stopping every server this script started…`);
			// All at once and briefly: an interrupted run has no executions worth waiting for.
			void Promise.all([...running].map((server) => server.stop('SIGTERM', 5_000)))
				.then(killEverything)
				.finally(() => process.exit(130));
		});
	}
}

/** Stops every server still running, the most recently started first (n8n before its database). */
export async function stopAll(): Promise<void> {
	for (const server of [...running].reverse()) await server.stop();
	killEverything();
}

export function startServer(name: string, command: string, args: string[], options: SpawnOptions = {}): ServerProcess {
	hookExit();
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	const lines: string[] = [];
	const listeners = new Set<(line: string) => void>();
	let exited = false;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			running.delete(server);
			resolve();
		}),
	);
	let partial = '';
	const onData = (chunk: Buffer) => {
		const text = partial + chunk.toString('utf8');
		const parts = text.split('\n');
		partial = parts.pop() ?? '';
		for (const line of parts) {
			lines.push(line);
			for (const listener of listeners) listener(line);
		}
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);

	const server: ServerProcess = {
		name,
		child,
		lines,
		get exited() {
			return exited;
		},
		waitForLine(pattern, timeoutMs) {
			const seen = lines.find((line) => pattern.test(line));
			if (seen !== undefined) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const done = (error?: Error, line?: string) => {
					clearTimeout(timer);
					listeners.delete(listener);
					if (error) reject(error);
					else resolve(line!);
				};
				const listener = (line: string) => pattern.test(line) && done(undefined, line);
				const timer = setTimeout(() => done(new Error(`${name}: no line matching ${pattern} within ${timeoutMs / 1000} s; last lines:\n${lines.slice(-15).join('\n')}`)), timeoutMs);
				listeners.add(listener);
				void exit.then(() => done(new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}) before printing ${pattern}; last lines:\n${lines.slice(-15).join('\n')}`)));
			});
		},
		async stop(signal = 'SIGTERM', graceMs = 20_000) {
			if (exited) return;
			killGroup(child, signal);
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
			await exit;
			clearTimeout(timer);
			// Whatever of its group outlived it (a task runner, a backend) goes too.
			killGroup(child, 'SIGKILL');
		},
		async kill() {
			killGroup(child, 'SIGKILL');
			await exit;
		},
	};
	running.add(server);
	return server;
}

interface ProcStat {
	pid: number;
	ppid: number;
	pgrp: number;
	/** User + system CPU time so far, in ms. */
	cpuMs: number;
}

/** One process's line of /proc/<pid>/stat (Linux), or undefined when it has ended. */
function procStat(pid: number): ProcStat | undefined {
	try {
		// Fields after "(comm) ": state ppid pgrp … utime (12th) stime (13th), in clock ticks of 10 ms (USER_HZ 100).
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
	} catch {
		return undefined;
	}
}

/** CPU time (user + system, ms) one process has used so far. */
export const processCpuMs = (pid: number): number => procStat(pid)?.cpuMs ?? 0;

/**
 * CPU time (user + system, ms) used so far by the live processes of a server: its process group and every
 * descendant (PostgreSQL's backends make their own groups; n8n's task runner stays in n8n's).
 */
export function groupCpuMs(server: ServerProcess): number {
	const group = server.child.pid!;
	const stats = fs
		.readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.map((entry) => procStat(Number(entry)))
		.filter((stat): stat is ProcStat => stat !== undefined);
	const members = new Set(stats.filter((p) => p.pgrp === group).map((p) => p.pid));
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of stats) {
			if (!members.has(p.pid) && members.has(p.ppid)) {
				members.add(p.pid);
				grew = true;
			}
		}
	}
	return stats.filter((p) => members.has(p.pid)).reduce((sum, p) => sum + p.cpuMs, 0);
}
