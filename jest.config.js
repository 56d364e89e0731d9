/** Unit and engine tests. Engine tests run the node through n8n-core over real HTTP to the emulator. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/harness/env.setup.ts'],
	testTimeout: 60000,
	maxWorkers: 2,
};
