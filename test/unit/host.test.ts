/**
 * What happens on an n8n the package was not made for: the node still loads (so n8n does not report "the
 * package could not be loaded"), and its first run says in one sentence what this n8n lacks. The older
 * host is stood in for by taking the missing export out of n8n-workflow (an n8n before 1.85 has no
 * NodeConnectionTypes); the real versions the package runs on are proven by npm run test:compat.
 */
import type { INode } from 'n8n-workflow';

const node = { name: 'Cash-In Partner' } as INode;

afterEach(() => {
	jest.dontMock('n8n-workflow');
	jest.dontMock('zod');
	jest.resetModules();
});

function withHost(overrides: { workflow?: Record<string, unknown>; zod?: Record<string, unknown> }) {
	if (overrides.workflow) jest.doMock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), ...overrides.workflow }));
	if (overrides.zod) {
		const actual = jest.requireActual('zod');
		jest.doMock('zod', () => ({ ...actual, z: { ...actual.z, ...overrides.zod } }));
	}
	return {
		host: require('../../nodes/CashInPartner/host') as typeof import('../../nodes/CashInPartner/host'),
		CashInPartner: (require('../../nodes/CashInPartner/CashInPartner.node') as typeof import('../../nodes/CashInPartner/CashInPartner.node')).CashInPartner,
	};
}

test('this n8n-workflow and zod: nothing is missing', () => {
	const { host } = withHost({});
	expect(host.hostProblem()).toBeUndefined();
	expect(() => host.assertHost(node)).not.toThrow();
});

test('an n8n without NodeConnectionTypes: the node loads, and a run says what this n8n lacks', () => {
	const { host, CashInPartner } = withHost({ workflow: { NodeConnectionTypes: undefined } });
	expect(new CashInPartner().description.inputs).toEqual(['main']);
	expect(() => host.assertHost(node)).toThrow('This n8n cannot run the Cash-In Partner node: its n8n-workflow lacks NodeConnectionTypes');
});

test('a copy of zod that is not version 3 is named as the problem', () => {
	const { host } = withHost({ zod: { ZodFirstPartyTypeKind: undefined } });
	expect(host.hostProblem()).toBe('its copy of zod is not version 3');
});
