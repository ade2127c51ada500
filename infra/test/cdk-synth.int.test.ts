/**
 * `npx cdk synth` as a user runs it: the real CLI, offline, no AWS account, every Lambda bundled
 * with the local esbuild. Checks the cloud assembly holds the three stacks and each function's
 * bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const outdir = mkdtempSync(join(tmpdir(), 'geqo-cdk-out-'));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth', () => {
  it('synthesizes the app offline, with the Lambda bundles', () => {
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_REGION: 'eu-west-1',
        // No credentials anywhere: the synth must not need them.
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
      },
      timeout: 180_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([name]) => name)
      .sort();
    expect(stacks).toEqual(['GeqoData', 'GeqoPipeline', 'GeqoSite']);
    const assets = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
    const bundles = assets.filter((asset) => existsSync(join(outdir, asset, 'index.mjs')));
    expect(bundles.length).toBeGreaterThanOrEqual(11);
  });
});
