import { errorMatrix } from '../harness/errorMatrix';
import { addCreditor, jsonOf, pairingOf, run, useEmulator } from '../harness/fixtures';

const emulator = useEmulator();

const getAgreements = (creditorId: string, extra = {}) => ({ resource: 'agreement', operation: 'getAll', creditorId, returnAll: true, ...extra });

function creditorWithAgreements(count: number) {
	const creditor = addCreditor(emulator());
	for (let i = 0; i < count; i++) emulator().state.addAgreement(creditor.creditorId, { agreementId: `CRM-${i}`, system: 'Confirma CRM' });
	return creditor;
}

describe('Agreement → Get Many', () => {
	test('one item per agreement identifier, each carrying the creditor ID', async () => {
		const creditor = creditorWithAgreements(3);
		const result = await run(emulator(), { parameters: getAgreements(creditor.creditorId) });
		expect(jsonOf(result)).toEqual(
			[0, 1, 2].map((i) => ({
				creditorId: creditor.creditorId,
				agreementId: `CRM-${i}`,
				system: 'Confirma CRM',
				type: 'SERVICE',
				status: 'ACTIVE',
				validFrom: '2026-01-01',
			})),
		);
		expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	test('Limit keeps the first N', async () => {
		const creditor = creditorWithAgreements(5);
		const result = await run(emulator(), { parameters: getAgreements(creditor.creditorId, { returnAll: false, limit: 2 }) });
		expect(jsonOf(result).map((json) => json.agreementId)).toEqual(['CRM-0', 'CRM-1']);
	});

	test('several creditors: the items of each are paired with its input item', async () => {
		const a = creditorWithAgreements(2);
		const b = creditorWithAgreements(1);
		const c = creditorWithAgreements(0);
		const d = creditorWithAgreements(3);
		const result = await run(emulator(), {
			parameters: getAgreements('={{ $json.id }}'),
			items: [a, b, c, d].map((creditor) => ({ id: creditor.creditorId })),
		});
		expect(jsonOf(result).map((json) => json.creditorId)).toEqual([a, a, b, d, d, d].map((x) => x.creditorId));
		expect(pairingOf(result)).toEqual([0, 0, 1, 3, 3, 3].map((item) => ({ item })));
	});

	test('an answer without the agreements list is a clear error, not a crash', async () => {
		const creditor = creditorWithAgreements(1);
		emulator().addFault({ endpoint: 'getCreditorAgreements', fault: { kind: 'status', status: 200, body: { creditorId: creditor.creditorId, items: [] } } });
		const result = await run(emulator(), { parameters: getAgreements(creditor.creditorId) });
		expect(result.error?.message).toBe('Cash-In\'s answer is not in the form this node expects: the field "agreements" is missing [item 0]');
		const description = (result.error as { description?: string }).description;
		expect(description).toContain('Cash-In answered the request (GET /partner/creditors/{creditorId}/agreements), but its answer is not a list of agreements: the field "agreements" is missing. Nothing was changed in Cash-In. The Cash-In API may have changed');
		expect(description).toContain('https://github.com/n8n-nodes-cash-in-partner/n8n-nodes-cash-in-partner/issues');
	});

	test('a field of another type is named with both types', async () => {
		const creditor = creditorWithAgreements(1);
		emulator().addFault({ endpoint: 'getCreditorAgreements', fault: { kind: 'status', status: 200, body: { creditorId: creditor.creditorId, agreements: 'none' } } });
		const result = await run(emulator(), { parameters: getAgreements(creditor.creditorId) });
		expect(result.error?.message).toBe('Cash-In\'s answer is not in the form this node expects: the field "agreements" is a string where the node expects an array [item 0]');
	});
});

errorMatrix(emulator, {
	endpoint: 'getCreditorAgreements',
	parameters: () => getAgreements(creditorWithAgreements(1).creditorId),
});
