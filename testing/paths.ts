/**
 * Where the project is, for the real-n8n tiers, benchmarks and tools: they run from source under ts-jest
 * and compiled under build/, so no file counts `..` from its own folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'n8n-nodes-cash-in-partner';

function findRoot(from: string): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
		if (path.dirname(dir) === dir) throw new Error(`${from} is not inside the ${PACKAGE_NAME} project`);
	}
}

export const PROJECT_ROOT = findRoot(__dirname);

/** A path inside the project, e.g. `projectPath('examples')`. */
export const projectPath = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);

/** The compiled form of a project file under build/ (what `npm run build:tools` writes), e.g. emulator/cli.ts. */
export const builtPath = (sourceFile: string) => projectPath('build', sourceFile.replace(/\.ts$/, '.js'));
