/**
 * The Docker image installs runtime dependencies only (`npm ci --omit=dev`), so nothing that
 * `geqo` loads at start may import a dev dependency: one static import of one (playwright-core, in
 * the bench) stopped every command, `geqo up` included. Loading one on demand (`await import()`)
 * in a command that needs it is fine.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('what geqo loads at start', () => {
  it('imports no dev dependency statically, from bin/geqo.mjs through every command', async () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const devDependencies = new Set(Object.keys(manifest.devDependencies));

    // Act: esbuild follows the static imports (type-only ones vanish), into the workspaces
    // (`@geqo/*`) too, and leaves every other package external.
    const result = await build({
      entryPoints: [resolve(ROOT, 'cli/src/main.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      plugins: [
        {
          name: 'packages-external',
          setup(plugin) {
            plugin.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@geqo/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
    });
    const loaded = new Map<string, string>();
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (!imported.external || imported.kind !== 'import-statement') continue;
        if (imported.path.startsWith('node:') || builtinModules.includes(imported.path)) continue;
        loaded.set(packageOf(imported.path), file);
      }
    }

    // Assess
    const devLoaded = [...loaded].filter(([name]) => devDependencies.has(name));
    expect(devLoaded).toEqual([]);
    expect(loaded.has('@platformatic/kafka')).toBe(true);
  });
});
