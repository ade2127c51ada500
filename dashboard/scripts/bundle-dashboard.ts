/**
 * Bundles the dashboard (plain TypeScript modules and one stylesheet) with esbuild, in memory.
 * Used twice: by `npm run build -w dashboard`, which writes the files to `dashboard/dist/` (what
 * S3 + CloudFront serve on AWS), and by `geqo up`, which serves the bundle straight from memory
 * so a fresh clone needs no build step and a changed source is picked up at the next start.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The dashboard's files by their path under the site root (`index.html`, `assets/app.js`, …). */
export type DashboardFiles = ReadonlyMap<string, Uint8Array>;

const DASHBOARD_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `src/main.ts` and `src/styles.css` into `assets/app.js` and `assets/app.css`, next to `index.html`. */
export async function bundleDashboard(options: { minify?: boolean } = {}): Promise<DashboardFiles> {
  // Imported here, not at module scope: a runtime installed without dev dependencies serves
  // `dist/` instead, and must be able to load this module to learn that esbuild is missing.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: DASHBOARD_DIR,
    entryPoints: [
      { in: 'src/main.ts', out: 'app' },
      { in: 'src/styles.css', out: 'app' },
    ],
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    outdir: 'assets',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, Uint8Array>();
  files.set('index.html', await readFile(new URL('../index.html', import.meta.url)));
  for (const output of result.outputFiles) {
    const relative = output.path.slice(DASHBOARD_DIR.length).replace(/^[/\\]+/, '');
    files.set(relative.split('\\').join('/'), output.contents);
  }
  return files;
}
