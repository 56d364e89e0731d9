import { rmSync } from 'node:fs';

export default function globalTeardown() {
	const folder = process.env.CASHIN_JEST_USER_FOLDER;
	if (folder) rmSync(folder, { recursive: true, force: true });
}
