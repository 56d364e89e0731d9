import { description as createDescription } from '../../nodes/CashInPartner/actions/creditor/create.operation';
import { CashInPartner } from '../../nodes/CashInPartner/CashInPartner.node';
import { createCreditorBody } from '../../nodes/CashInPartner/contract/schemas';

test("JSON mode's starting body is a valid registration as it stands", () => {
	const template = createDescription.find((p) => p.name === 'jsonBody')?.default as string;
	expect(createCreditorBody.safeParse(JSON.parse(template)).success).toBe(true);
});

test('every operation option has an action and the lists are sorted alphabetically', () => {
	const { properties } = new CashInPartner().description;
	const selectors = properties.filter((p) => p.name === 'operation' || p.name === 'resource');
	expect(selectors.length).toBe(6);
	for (const selector of selectors) {
		const names = (selector.options as Array<{ name: string; action?: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		if (selector.name === 'operation') {
			for (const option of selector.options as Array<{ action?: string }>) expect(option.action).toMatch(/^[A-Z][a-z]/);
		}
	}
});
