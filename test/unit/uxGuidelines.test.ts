/**
 * n8n's UX guidelines for node parameters, enforced on every parameter the user reads (both nodes and the
 * credential, nested collections included): Title Case labels, sentence-case descriptions, booleans
 * described with "Whether …", placeholders "e.g. …", actions in sentence case, English text.
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { CashInPartnerApi } from '../../credentials/CashInPartnerApi.credentials';
import { CashInPartner } from '../../nodes/CashInPartner/CashInPartner.node';
import { CashInPartnerTrigger } from '../../nodes/CashInPartner/CashInPartnerTrigger.node';

interface Label {
	where: string;
	property: INodeProperties;
}

/** Every parameter, with its place (e.g. `Cash-In Partner › Additional Fields › City`). */
function flatten(properties: INodeProperties[], where: string): Label[] {
	const out: Label[] = [];
	for (const property of properties) {
		const here = `${where} › ${property.displayName}`;
		out.push({ where: here, property });
		if (property.type === 'collection') out.push(...flatten(property.options as INodeProperties[], here));
		if (property.type === 'fixedCollection') {
			for (const group of property.options as INodePropertyCollection[]) out.push(...flatten(group.values, `${here} › ${group.displayName}`));
		}
	}
	return out;
}

const all = [
	...flatten(new CashInPartner().description.properties, 'Cash-In Partner'),
	...flatten(new CashInPartnerTrigger().description.properties, 'Cash-In Partner Trigger'),
	...flatten(new CashInPartnerApi().properties, 'Cash-In Partner API credential'),
];
const labelled = all.filter(({ property }) => property.type !== 'notice');
const choicesOf = ({ property }: Label) =>
	property.type === 'options' || property.type === 'multiOptions' ? (property.options as INodePropertyOptions[]) : [];

// Words that stay lower case inside a Title Case label (n8n's guidelines follow the usual English rule).
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'from', 'in', 'of', 'on', 'or', 'per', 'the', 'to', 'via', 'with']);
const isTitleCase = (text: string) =>
	text
		.split(/\s+/)
		.map((word) => word.replace(/^[("']+|[)"':,.]+$/g, ''))
		.filter(Boolean)
		.every((word, index) => (index > 0 && MINOR_WORDS.has(word)) || /^[A-Z0-9]/.test(word));

// English text only: letters of the English alphabet plus the punctuation n8n's own nodes use.
const ENGLISH_TEXT = /^[A-Za-z0-9\s.,;:!?'"()[\]{}\-+*/=%&@#€…–—’+|<>_`]*$/;

test('there is something to check', () => {
	expect(labelled.length).toBeGreaterThan(60);
});

test.each(labelled.map((label) => [label.where, label]))('%s: label in Title Case', (_where, { property }) => {
	expect(isTitleCase(property.displayName)).toBe(true);
});

test.each(labelled.flatMap((label) => choicesOf(label).map((choice) => [`${label.where} › ${choice.name}`, choice.name])))(
	'%s: option name in Title Case',
	(_where, name) => expect(isTitleCase(name)).toBe(true),
);

const described = [
	...all.filter(({ property }) => property.description).map(({ where, property }) => [where, property.description!] as const),
	...labelled.flatMap((label) => choicesOf(label).filter((choice) => choice.description).map((choice) => [`${label.where} › ${choice.name}`, choice.description!] as const)),
	...all.filter(({ property }) => property.type === 'notice').map(({ where, property }) => [where, property.displayName] as const),
];

test.each(described)('%s: description in sentence case, in English', (_where, description) => {
	expect(description).toMatch(/^[A-Z0-9n]/); // "n8n" is the one word written lower case at the start
	expect(description).toMatch(ENGLISH_TEXT);
	const words = description.split(/\s+/);
	if (words.length >= 4) expect(isTitleCase(description)).toBe(false);
});

test.each(labelled.filter(({ property }) => property.type === 'boolean').map((label) => [label.where, label]))(
	'%s: a boolean is described with "Whether …"',
	(_where, { property }) => expect(property.description).toMatch(/^Whether /),
);

test.each(labelled.filter(({ property }) => property.placeholder).map((label) => [label.where, label]))('%s: placeholder', (_where, { property }) => {
	if (['collection', 'fixedCollection'].includes(property.type)) expect(isTitleCase(property.placeholder!) && property.placeholder!.startsWith('Add ')).toBe(true);
	else expect(property.placeholder).toMatch(/^e\.g\. \S/);
});

const actions = labelled.flatMap((label) => choicesOf(label).filter((choice) => choice.action).map((choice) => [`${label.where} › ${choice.name}`, choice.action!] as const));

test.each(actions)('%s: action in sentence case', (_where, action) => {
	const [first, ...rest] = action.split(' ');
	expect(first).toMatch(/^[A-Z][a-z]+$/);
	// After the verb only lower-case words, or acronyms written as such (SMS, API).
	for (const word of rest) expect(word).toMatch(/^([a-z][a-z-]*|[A-Z]{2,})$/);
});

test('there are actions for every operation', () => {
	expect(actions.length).toBe(7);
});

test('the checks themselves refuse what the guidelines refuse', () => {
	expect(isTitleCase('Creditor key in Output')).toBe(false);
	expect(isTitleCase('in Parallel')).toBe(false);
	expect(isTitleCase('Requests in Parallel')).toBe(true);
	expect('Lähettäjän nimi').not.toMatch(ENGLISH_TEXT);
	expect(isTitleCase('The Cash-In ID Of The Creditor')).toBe(true); // a Title Case description is refused above
});
