/** Unit and engine tests. Engine tests run the node through n8n-core over real HTTP to the emulator. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
	globalSetup: '<rootDir>/test/harness/globalSetup.ts',
	globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
	setupFiles: ['<rootDir>/test/harness/env.setup.ts'],
	testTimeout: 60000,
	maxWorkers: 2,
};
