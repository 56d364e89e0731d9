/**
 * What the node borrows from the n8n it runs in — n8n-workflow's helpers, and n8n's own copies of zod and
 * luxon — checked when a run starts, so an n8n this package was not made for fails with one clear sentence
 * instead of deep inside an item. The matrix (`npm run test:compat`) runs n8n 1.123 to 2.41.
 */
import { DateTime } from 'luxon';
import * as n8nWorkflow from 'n8n-workflow';
import { type INode, NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

/** Where a user reads how to use the nodes (shown as "Docs" in n8n's node panel). */
export const DOCUMENTATION_URL = 'https://github.com/n8n-nodes-cash-in-partner/n8n-nodes-cash-in-partner#readme';

/** The oldest n8n the matrix runs this package on. */
export const OLDEST_TESTED_N8N = '1.123';

/** n8n-workflow exports the node uses (NodeConnectionTypes came with n8n 1.85). */
const NEEDED_EXPORTS = ['NodeConnectionTypes', 'updateDisplayOptions', 'sleep', 'NodeApiError', 'NodeOperationError'] as const;

/**
 * The main connection type. On an n8n older than `NodeConnectionTypes` the node must still load, so that
 * its first run can say which n8n it needs rather than n8n reporting "could not be loaded".
 */
export const MAIN_CONNECTION = ((n8nWorkflow as Partial<typeof n8nWorkflow>).NodeConnectionTypes?.Main ?? 'main') as typeof n8nWorkflow.NodeConnectionTypes.Main;

/** What this n8n lacks that the node needs, in words; undefined when it has everything. */
export function hostProblem(): string | undefined {
	const exported = n8nWorkflow as Record<string, unknown>;
	const missing = NEEDED_EXPORTS.filter((name) => exported[name] === undefined);
	if (missing.length) return `its n8n-workflow lacks ${missing.join(', ')}`;
	// zod 3's API (ZodIssueCode, transforms, errorMap) is what the node's checks are written in.
	if (typeof z?.string !== 'function' || typeof (z as unknown as Record<string, unknown>).ZodFirstPartyTypeKind !== 'object') return 'its copy of zod is not version 3';
	if (typeof DateTime?.fromISO !== 'function') return 'its copy of luxon has no DateTime';
	return undefined;
}

export function assertHost(node: INode): void {
	const problem = hostProblem();
	if (!problem) return;
	throw new NodeOperationError(node, `This n8n cannot run the Cash-In Partner node: ${problem}`, {
		description: `The node is tested on n8n ${OLDEST_TESTED_N8N} and newer (the compatibility table in the package's README). Update n8n, or install the version of n8n-nodes-cash-in-partner made for this n8n.`,
	});
}
