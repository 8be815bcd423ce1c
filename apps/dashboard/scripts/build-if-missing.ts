// `npm start` runs this first: builds the dashboard when apps/dashboard/dist has no index.html (a fresh clone whose
// install skipped scripts, or a deleted dist), so that the server always has a dashboard to serve at `/`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.VEXIL_DASHBOARD_DIR || existsSync(path.join(root, 'dist', 'index.html'))) process.exit(0);
console.log('Building the dashboard (apps/dashboard/dist is missing)…');
const result = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    '\nThe dashboard build failed (see above). Fix it, or run: npm run build -w @vexil/dashboard',
  );
  process.exit(result.status ?? 1);
}
