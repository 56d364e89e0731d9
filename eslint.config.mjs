// n8n's own lint config for community packages (Cloud-support rule set), as `n8n-node lint` runs it,
// plus one boundary: the package n8n loads never imports what is not published with it.
import { config } from '@n8n/node-cli/eslint';

const NOT_PUBLISHED = ['**/emulator', '**/emulator/**', '**/testing', '**/testing/**', '**/test', '**/test/**', '**/bench/**', '**/tools/**', '**/scripts/**'];

export default [
	// `n8n-node lint` runs `eslint .`: only the package n8n loads is linted (with n8n's rules); tests, the
	// emulator, tools and benchmarks are checked by tsc (tsconfig.dev.json) and never published.
	{ ignores: ['dist/**', 'build/**', 'coverage/**', 'test/**', 'testing/**', 'emulator/**', 'bench/**', 'tools/**', 'scripts/**', 'examples/**', 'docs/**', '*.js', '*.mjs'] },
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
