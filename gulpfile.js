// The asset step of `npm run build`: copies what tsc does not — the icons — next to the compiled node and
// credential files, and the output schemas as they are written (tsc copies the codex files and schemas,
// but re-indented): the same as n8n's own `n8n-node build` copies.
const { src, dest } = require('gulp');

function copyAssets() {
	return src(['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}', 'nodes/**/__schema__/**/*.json'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = copyAssets;
exports.default = exports.build;
