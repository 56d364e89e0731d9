// Removes build output (dist/ for the package, build/ for compiled tools).
const fs = require('node:fs');
for (const dir of ['dist', 'build']) fs.rmSync(dir, { recursive: true, force: true });
