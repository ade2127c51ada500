/**
 * `npm run build -w dashboard`: writes the bundled dashboard to `dashboard/dist/` (index.html
 * and assets/), for static hosting. `geqo up` does not need it: it bundles in memory.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDashboard } from './bundle-dashboard.ts';

const distDir = fileURLToPath(new URL('../dist', import.meta.url));
const started = Date.now();
const files = await bundleDashboard();
await rm(distDir, { recursive: true, force: true });
let bytes = 0;
for (const [name, contents] of files) {
  const target = join(distDir, name);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, contents);
  bytes += contents.byteLength;
}
console.log(
  `dashboard: ${files.size} files, ${(bytes / 1024).toFixed(1)} KiB in ${distDir} (${Date.now() - started} ms)`,
);
