/**
 * The GitHub workflows cannot run here, so what makes them correct is checked by reading them: valid YAML,
 * Node 24, the README's test command and the e2e tiers on every push, and a publish job that follows n8n's
 * template for trusted publishing with provenance (OIDC, no token, no registry-url) and runs the tests, n8n's
 * node tooling and n8n's scanner before it publishes the very tarball it scanned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const load = (file: string) => parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', file), 'utf8'), { strict: true, uniqueKeys: true });

interface Step {
	run?: string;
	uses?: string;
	with?: Record<string, unknown>;
}
interface Job {
	needs?: string | string[];
	permissions?: Record<string, string>;
	steps: Step[];
}

const runsOf = (job: Job) => job.steps.map((step) => step.run ?? '');
const indexOfRun = (job: Job, command: RegExp) => runsOf(job).findIndex((run) => command.test(run));
/** The README's Development block names the test command as the line after `npm ci`. */
const readmeTestCommand = () => /^npm ci\n(npm [\w:-]+)/m.exec(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))?.[1];

test("CI runs on push and pull request, on Node 24, with npm ci, the README's test command, the real-n8n tiers and the matrix's ends", () => {
	const ci = load('ci.yml');
	expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
	const jobs = Object.values(ci.jobs) as Job[];
	const steps = jobs.flatMap((job) => job.steps);
	for (const step of steps.filter((s) => s.uses?.startsWith('actions/setup-node'))) expect(String(step.with?.['node-version'])).toBe('24');
	const runs = jobs.flatMap(runsOf);
	expect(runs).toContain('npm ci');
	expect(readmeTestCommand()).toBe('npm test');
	expect(runs).toContain(readmeTestCommand());
	for (const tier of ['npm run test:e2e', 'npm run test:install', 'npm run test:queue', 'npm run test:editor']) expect(runs.some((run) => run.endsWith(tier))).toBe(true);
	// The two ends of the version matrix, by name.
	expect(runs).toContain('COMPAT_VERSIONS=1.123.81,2.41.1 npm run test:compat');
});

test('publish: on a version tag, OIDC permission, tests, n8n tooling and the scanner before npm publish --provenance of the scanned tarball', () => {
	const publish = load('publish.yml');
	expect(publish.on.push.tags).toEqual(expect.arrayContaining(['*.*.*']));
	const job = publish.jobs.publish as Job;
	expect(job.permissions?.['id-token']).toBe('write');
	expect(job.permissions?.contents).toBe('read');
	const publishAt = indexOfRun(job, /^npm publish --provenance --access public "\$\(ls n8n-nodes-cash-in-partner-\*\.tgz\)"$/);
	expect(publishAt).toBeGreaterThan(0);
	expect(indexOfRun(job, /^npm ci$/)).toBeLessThan(publishAt);
	for (const before of [/^npm test$/, /^npm run test:tooling$/, /^npm pack$/, /^npm run scan -- --tarball "\$\(ls n8n-nodes-cash-in-partner-\*\.tgz\)"$/]) {
		const at = indexOfRun(job, before);
		expect([String(before), at]).toEqual([String(before), expect.any(Number)]);
		expect(at).toBeGreaterThanOrEqual(0);
		expect(at).toBeLessThan(publishAt);
	}
	// The e2e tiers run in a job that publishing waits for.
	const needs = ([] as string[]).concat(job.needs ?? []);
	const e2eRuns = needs.flatMap((name) => runsOf(publish.jobs[name] as Job));
	for (const tier of ['npm run test:e2e', 'npm run test:install', 'npm run test:queue', 'npm run test:editor']) expect(e2eRuns.some((run) => run.endsWith(tier))).toBe(true);
	// The whole matrix, not only its ends.
	expect(e2eRuns).toContain('npm run test:compat');
	// Only the publish job may mint an OIDC token.
	expect(publish.permissions?.['id-token']).toBeUndefined();
});

test('publish: none of the known traps of trusted publishing', () => {
	const text = fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
	const job = load('publish.yml').jobs.publish as Job & { env?: Record<string, unknown> };
	const setupNode = job.steps.filter((step) => step.uses?.startsWith('actions/setup-node'));
	expect(setupNode).toHaveLength(1);
	// registry-url makes setup-node write an .npmrc that wants NODE_AUTH_TOKEN: npm then skips the OIDC exchange.
	expect(setupNode[0].with?.['registry-url']).toBeUndefined();
	// npm >= 11.5.1 (trusted publishing) comes with Node 24, and the job checks it.
	expect(String(setupNode[0].with?.['node-version'])).toBe('24');
	expect(indexOfRun(job, /npm --version/)).toBeGreaterThan(0);
	// No long-lived token anywhere: not as NODE_AUTH_TOKEN, NPM_TOKEN, nor an _authToken line.
	const withoutComments = text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
	expect(withoutComments).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|_authToken|secrets\./);
	// Publishing never runs the package's own scripts with the OIDC token around, and never from a fork's PR.
	expect(Object.keys(load('publish.yml').on)).toEqual(['push']);
});

test('a workflow with a duplicate key or broken indentation is refused by this parse', () => {
	expect(() => parse('a: 1\na: 2\n', { strict: true, uniqueKeys: true })).toThrow();
	expect(() => parse('jobs:\n  x:\n   - a\n  b: [\n', { strict: true })).toThrow();
});
