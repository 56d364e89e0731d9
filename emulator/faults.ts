/**
 * Faults the emulator injects on request: per request (matching method, path, body text), a number of
 * times, or at random from a fixed seed over a share of all requests.
 */
import type { EndpointName } from '../nodes/CashInPartner/contract/endpoints';
import { seededRandom } from './random';

export type Fault =
	/** Answer with this status without acting (429, 500, 503, …). */
	| { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
	/** Wait, then handle the request normally. */
	| { kind: 'latency'; ms: number }
	/** Act, then hold the answer back for `ms` (past the client's timeout). */
	| { kind: 'slow'; ms: number }
	/** Cut the connection with no answer; `act` says whether the request was carried out first. */
	| { kind: 'drop'; act?: boolean }
	/** Act, then answer 200 with a body that is not JSON. */
	| { kind: 'malformed' }
	/** A proxy's HTML error page instead of the API, without acting. */
	| { kind: 'html'; status?: number };

export interface FaultRule {
	/** Only requests to this endpoint of the contract module. */
	endpoint?: EndpointName;
	method?: string;
	/** Exact path below the base path, or a regular expression over it. */
	path?: string | RegExp;
	/** Only requests with these query parameters. */
	query?: Record<string, string>;
	/** Only requests whose raw body contains this text. */
	bodyContains?: string;
	/** How many matching requests get the fault; unlimited when absent. */
	times?: number;
	fault: Fault;
}

export interface RandomFaults {
	seed: number;
	/** Share of requests that get a fault, 0..1. */
	rate: number;
	faults: Fault[];
}

export interface FaultTarget {
	endpoint?: EndpointName;
	method: string;
	path: string;
	query: Record<string, string>;
	rawBody: string;
}

export class FaultInjector {
	private rules: FaultRule[] = [];
	private random: { pick: () => Fault | undefined } | undefined;

	add(rule: FaultRule): void {
		this.rules.push({ ...rule });
	}

	randomly(config: RandomFaults): void {
		const next = seededRandom(config.seed);
		this.random = {
			pick: () => (next() < config.rate ? config.faults[Math.floor(next() * config.faults.length)] : undefined),
		};
	}

	clear(): void {
		this.rules = [];
		this.random = undefined;
	}

	/** The fault for this request, if any; a matched rule with `times` is used up by one. */
	take(target: FaultTarget): Fault | undefined {
		const rule = this.rules.find((r) => matches(r, target));
		if (rule) {
			if (rule.times !== undefined && --rule.times <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
			return rule.fault;
		}
		return this.random?.pick();
	}
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
	if (rule.endpoint && rule.endpoint !== target.endpoint) return false;
	if (rule.method && rule.method.toUpperCase() !== target.method) return false;
	if (typeof rule.path === 'string' && rule.path !== target.path) return false;
	if (rule.path instanceof RegExp && !rule.path.test(target.path)) return false;
	if (rule.bodyContains && !target.rawBody.includes(rule.bodyContains)) return false;
	if (rule.query && Object.entries(rule.query).some(([name, value]) => target.query[name] !== value)) return false;
	return true;
}
