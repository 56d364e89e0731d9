/**
 * The GitHub workflows cannot run here, so what makes them correct is checked by reading them: valid YAML,
 * Node 24, the README's test command and the e2e tiers on every push, and a publish job that has the OIDC
 * permission provenance needs and runs the tests before it publishes.
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

test('publish: on a version tag, OIDC permission, tests before npm publish --provenance', () => {
	const publish = load('publish.yml');
	expect(publish.on.push.tags).toEqual(expect.arrayContaining(['*.*.*']));
	const job = publish.jobs.publish as Job;
	expect(job.permissions?.['id-token']).toBe('write');
	expect(job.permissions?.contents).toBe('read');
	const publishAt = indexOfRun(job, /^npm publish --provenance\b/);
	expect(publishAt).toBeGreaterThan(0);
	expect(indexOfRun(job, /^npm ci$/)).toBeLessThan(publishAt);
	const testAt = indexOfRun(job, /^npm test$/);
	expect(testAt).toBeGreaterThanOrEqual(0);
	expect(testAt).toBeLessThan(publishAt);
	// The e2e tiers run in a job that publishing waits for.
	const needs = ([] as string[]).concat(job.needs ?? []);
	const e2eRuns = needs.flatMap((name) => runsOf(publish.jobs[name] as Job));
	for (const tier of ['npm run test:e2e', 'npm run test:install', 'npm run test:queue', 'npm run test:editor']) expect(e2eRuns.some((run) => run.endsWith(tier))).toBe(true);
	// The whole matrix, not only its ends.
	expect(e2eRuns).toContain('npm run test:compat');
	const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node'));
	expect(setupNode?.with?.['registry-url']).toBe('https://registry.npmjs.org');
	// Only the publish job may mint an OIDC token.
	expect(publish.permissions?.['id-token']).toBeUndefined();
});

test('a workflow with a duplicate key or broken indentation is refused by this parse', () => {
	expect(() => parse('a: 1\na: 2\n', { strict: true, uniqueKeys: true })).toThrow();
	expect(() => parse('jobs:\n  x:\n   - a\n  b: [\n', { strict: true })).toThrow();
});
