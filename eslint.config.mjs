// n8n's own lint config for community packages (Cloud-support rule set), as `n8n-node lint` runs it,
// plus one boundary: the package n8n loads never imports what is not published with it.
import { config } from '@n8n/node-cli/eslint';

const NOT_PUBLISHED = ['**/emulator', '**/emulator/**', '**/testing', '**/testing/**', '**/test', '**/test/**', '**/bench/**', '**/tools/**', '**/scripts/**'];

export default [
	...config,
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: NOT_PUBLISHED,
							message: 'nodes/ and credentials/ are what n8n loads: they may not import the emulator, test code, tools or benchmarks (none of it is published).',
						},
					],
				},
			],
		},
	},
];
