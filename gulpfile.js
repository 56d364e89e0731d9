// Copies what tsc does not — icons and codex files — next to the compiled node and credential files, then
// writes the operations' output schemas (scripts/output-schemas.js) where n8n's editor reads them.
const { src, dest, series } = require('gulp');

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

function outputSchemas(done) {
	require('./scripts/output-schemas');
	done();
}

exports.build = series(copyAssets, outputSchemas);
exports.default = exports.build;
