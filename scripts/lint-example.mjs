// Lints the example for `npm run setup`: findings (exit 1) are the point of the example, not a failure.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['packages/cli/bin/stowage.js', 'examples/Dockerfile'], { stdio: 'inherit' });
process.exit(r.status === 0 || r.status === 1 ? 0 : (r.status ?? 2));
