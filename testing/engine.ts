/**
 * Runs the Cash-In Partner node through n8n-core's real engine (WorkflowExecute), with the real credential
 * class resolving its own `authenticate` expressions — so requests go over real HTTP exactly as in n8n.
 */
import { DataDeduplicationService, ExecutionLifecycleHooks, PollContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	type DeduplicationItemTypes,
	type DeduplicationScope,
	type ExecutionError,
	type IAuthenticateGeneric,
	type ICredentialDataDecryptedObject,
	ICredentialsHelper,
	type ICheckProcessedContextData,
	type ICheckProcessedOptions,
	type ICredentialType,
	type IDataDeduplicator,
	type IDataObject,
	type IDeduplicationOutput,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { CashInPartnerApi } from '../credentials/CashInPartnerApi.credentials';
import { CashInPartner } from '../nodes/CashInPartner/CashInPartner.node';
import { CashInPartnerTrigger } from '../nodes/CashInPartner/CashInPartnerTrigger.node';

export const NODE_TYPE = 'n8n-nodes-cash-in-partner.cashInPartner';
export const NODE_NAME = 'Cash-In Partner';
export const TRIGGER_TYPE = 'n8n-nodes-cash-in-partner.cashInPartnerTrigger';

export interface TestCredential {
	apiKey: string;
	environment?: 'production' | 'sandbox';
	baseUrl?: string;
	sandboxBaseUrl?: string;
}

const credentialTypes: Record<string, ICredentialType> = { cashInPartnerApi: new CashInPartnerApi() };

/** Applies the credential class's own `authenticate`, as n8n's CredentialsHelper does: a function is called, a generic block's expressions are resolved. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions, workflow?: Workflow, node?: INode) {
		const auth = credentialTypes[typeName]?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (!auth || !workflow || !node) return requestOptions;
		const resolve = (value: string) =>
			workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', { $credentials: credentials }) as string;
		const headers = { ...(requestOptions.headers ?? {}) } as IDataObject;
		for (const [name, value] of Object.entries((auth as IAuthenticateGeneric).properties.headers ?? {})) headers[name] = resolve(String(value));
		return { ...requestOptions, headers };
	}

	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used in tests');
	}
	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		return { ...this.data[type] };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type: string) {
		return credentialTypes[type]?.properties ?? [];
	}
}

class NodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {
		[NODE_TYPE]: new CashInPartner(),
		[TRIGGER_TYPE]: new CashInPartnerTrigger(),
	};

	register(name: string, type: INodeType) {
		this.types[name] = type;
	}
	getByName(name: string) {
		return this.types[name];
	}
	getByNameAndVersion(name: string, version?: number) {
		return NodeHelpers.getVersionedNodeType(this.types[name], version);
	}
	getKnownTypes() {
		return {};
	}
}

export const nodeTypes = new NodeTypes();

export function additionalDataFor(credential: TestCredential): IWorkflowExecuteAdditionalData {
	const url = 'http://127.0.0.1:5678/';
	return {
		credentialsHelper: new TestCredentialsHelper({
			cashInPartnerApi: { environment: 'sandbox', ...credential } as unknown as ICredentialDataDecryptedObject,
		}),
		restApiUrl: url,
		instanceBaseUrl: url,
		formBaseUrl: url,
		formWaitingBaseUrl: url,
		formTestBaseUrl: url,
		webhookBaseUrl: url,
		webhookWaitingBaseUrl: url,
		webhookTestBaseUrl: url,
		mcpBaseUrl: url,
		mcpTestBaseUrl: url,
		variables: {},
		currentNodeExecutionIndex: 0,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * n8n's deduplication store (in n8n a database table, `processed_data`), kept in memory here with n8n 2.41's
 * semantics (`n8n/dist/deduplication/deduplication-helper.js`): one list per workflow and, for the node
 * scope, node ID; every key checked is recorded, new ones appended; `maxEntries` drops the oldest; a key
 * already there is not moved. (The real table is exercised by the e2e and queue tiers.)
 */
export class MemoryDeduplicator implements IDataDeduplicator {
	private readonly entries = new Map<string, string[]>();
	/** Every call, for tests that count what the node asked of the store. */
	readonly calls: string[] = [];

	private of(scope: DeduplicationScope, context: ICheckProcessedContextData) {
		const key = `${context.workflow.id}:${scope === 'node' ? `n:${context.node?.id}` : ''}`;
		if (!this.entries.has(key)) this.entries.set(key, []);
		return this.entries.get(key)!;
	}
	async checkProcessedAndRecord(items: DeduplicationItemTypes[], scope: DeduplicationScope, context: ICheckProcessedContextData, options: ICheckProcessedOptions): Promise<IDeduplicationOutput> {
		this.calls.push('checkProcessedAndRecord');
		const list = this.of(scope, context);
		const seen = new Set(list);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			if (seen.has(String(item))) result.processed.push(item);
			else {
				result.new.push(item);
				list.push(String(item));
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		return result;
	}
	async getProcessedDataCount(scope: DeduplicationScope, context: ICheckProcessedContextData) {
		return this.of(scope, context).length;
	}
	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, context: ICheckProcessedContextData) {
		this.calls.push('removeProcessed');
		const list = this.of(scope, context);
		for (const item of items) {
			const index = list.indexOf(String(item));
			if (index !== -1) list.splice(index, 1);
		}
	}
	async clearAllProcessedItems(scope: DeduplicationScope, context: ICheckProcessedContextData) {
		this.of(scope, context).length = 0;
	}
	/** Drops all a workflow keeps here, as n8n does with the oldest entries beyond `maxEntries`. */
	forgetWorkflow(workflowId: string) {
		for (const key of this.entries.keys()) if (key.startsWith(`${workflowId}:`)) this.entries.delete(key);
	}
}

export const deduplicator = new MemoryDeduplicator();
let deduplication: Promise<void> | undefined;
const deduplicationStore = () => (deduplication ??= DataDeduplicationService.init(deduplicator));

export interface RunOptions {
	parameters: IDataObject;
	items?: IDataObject[];
	credential: TestCredential;
	/** n8n's node setting "On Error". */
	onError?: INode['onError'];
	/** n8n's node settings "Retry On Fail", "Max. Tries" and "Wait Between Tries (ms)". */
	retry?: { maxTries: number; waitBetweenTries?: number };
	/** How the execution was started: 'manual' (the editor, the default here) or e.g. 'trigger' (production). */
	mode?: WorkflowExecuteMode;
	/** The workflow's static data as n8n stored it after the previous execution. */
	staticData?: IDataObject;
	/** The node's version (1 unless given: what workflows saved with 0.3.0 hold). */
	typeVersion?: number;
	/**
	 * Which workflow the run belongs to (n8n's deduplication store keys what it keeps by it): runs that
	 * should see each other's memory pass the same ID; by default every run is a workflow of its own.
	 */
	workflowId?: string;
	/** The node's ID (n8n keeps a node's memory under it, so a renamed node keeps it). */
	nodeId?: string;
	/** The node's name. */
	nodeName?: string;
}

export interface RunResult {
	/** Items of each output: [0] the main output, [1] the error output when onError is continueErrorOutput. */
	outputs: INodeExecutionData[][];
	error?: ExecutionError;
	run: IRun;
	/** The workflow's static data after the run (n8n saves it when the mode is not manual). */
	staticData: IDataObject;
	/** Whether the run wrote to the static data: n8n saves it after a production run only then (its `__dataChanged`). */
	staticDataChanged: boolean;
}

let runs = 0;
/** The IDs the engine gives the node and the trigger (n8n keeps a node's memories under its ID). */
export const NODE_ID = 'b7c2a1f0-0000-4000-8000-000000000001';
export const TRIGGER_NODE_ID = 'b7c2a1f0-0000-4000-8000-000000000002';

export async function runNode({ parameters, items = [{}], credential, onError, retry, mode = 'manual', staticData = {}, typeVersion = 1, workflowId = `test-${++runs}`, nodeId = NODE_ID, nodeName = NODE_NAME, type = NODE_TYPE }: RunOptions & { type?: string }): Promise<RunResult> {
	const node: INode = {
		id: nodeId,
		name: nodeName,
		type,
		typeVersion,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cashInPartnerApi: { id: '1', name: 'Cash-In Partner (emulator)' } },
		...(onError ? { onError } : {}),
		...(retry ? { retryOnFail: true, maxTries: retry.maxTries, waitBetweenTries: retry.waitBetweenTries ?? 1 } : {}),
	};
	await deduplicationStore();
	const workflow = new Workflow({ id: workflowId, nodes: [node], connections: {}, active: false, nodeTypes, staticData: JSON.parse(JSON.stringify(staticData)) });
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: [items.map((json) => ({ json }))] }, source: null }],
		},
	});
	const additionalData = additionalDataFor(credential);
	additionalData.hooks = new ExecutionLifecycleHooks(mode, 'test-execution', { id: 'test', name: 'test', nodes: [node], connections: {}, active: false, settings: {} } as never);
	const run = await new WorkflowExecute(additionalData, mode, runData).processRunExecutionData(workflow);
	const task = run.data.resultData.runData[nodeName]?.[0];
	return {
		outputs: (task?.data?.main ?? []).map((output) => output ?? []),
		error: task?.error ?? run.data.resultData.error,
		run,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		staticDataChanged: (workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true,
	};
}

export interface PollOptions {
	parameters: IDataObject;
	credential: TestCredential;
	/** The workflow's static data as n8n stored it after the previous poll (it survives restarts). */
	staticData?: IDataObject;
	/** The trigger's name (its ID stays: a renamed node). */
	nodeName?: string;
}

/** One scheduled poll of the trigger, as n8n's poll executor runs it for an active workflow. */
export async function runPoll({ parameters, credential, staticData = {}, nodeName = 'Cash-In Partner Trigger' }: PollOptions) {
	const node: INode = {
		id: TRIGGER_NODE_ID,
		name: nodeName,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cashInPartnerApi: { id: '1', name: 'Cash-In Partner (emulator)' } },
	};
	const workflow = new Workflow({ id: 'poll', nodes: [node], connections: {}, active: true, nodeTypes, staticData: JSON.parse(JSON.stringify(staticData)) });
	const context = new PollContext(workflow, node, additionalDataFor(credential), 'trigger', 'activate');
	const trigger = nodeTypes.getByNameAndVersion(TRIGGER_TYPE) as INodeType;
	const data = await trigger.poll!.call(context);
	return {
		/** The "Delivery Events" output. */
		items: data?.[0]?.map((item) => item.json) ?? [],
		/** The "Sellers Not Read" output. */
		unreadable: data?.[1]?.map((item) => item.json) ?? [],
		/** Whether n8n 2.x would save the static data after this poll: only when it emits. */
		emitted: data !== null && data !== undefined,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
	};
}
