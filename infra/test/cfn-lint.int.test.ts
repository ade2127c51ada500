/**
 * cfn-lint on every synthesized template of every variant the context can choose: zero errors, and
 * no warning but those infra/cfn-lint.yaml accepts with a reason. cfn-lint comes from
 * `.cache/pyvenv` (scripts/prepare-test-services.sh installs it there) or the PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

function findCfnLint(): string {
  const cached = join(REPO_ROOT, '.cache/pyvenv/bin/cfn-lint');
  if (existsSync(cached)) return cached;
  const onPath = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0) return 'cfn-lint';
  throw new Error(
    'cfn-lint not found: run `bash scripts/prepare-test-services.sh` (it installs it in .cache/pyvenv)',
  );
}

interface CfnLintMatch {
  Rule: { Id: string };
  Message: string;
  Filename: string;
  Location: { Path: (string | number)[] };
}

/** The variants a deploy can pick: each stream engine, each cost profile that goes with it. */
export const VARIANTS: Record<string, Record<string, string>> = {
  'kinesis, small': { streamEngine: 'kinesis', profile: 'small' },
  'kinesis, production': { streamEngine: 'kinesis', profile: 'production' },
  'msk, production': { streamEngine: 'msk', profile: 'production' },
};

describe('cfn-lint on the synthesized templates', () => {
  const cfnLint = findCfnLint();

  for (const [variant, context] of Object.entries(VARIANTS)) {
    it(
      `finds nothing in the ${variant} templates`,
      async () => {
        // Prepare
        const app = synthApp(context);
        try {
          app.writeAssembly();
          const templates = readdirSync(app.outdir)
            .filter((file) => file.endsWith('.template.json'))
            .map((file) => join(app.outdir, file));
          expect(templates).toHaveLength(3);
          // Act
          const result = spawnSync(
            cfnLint,
            ['--config-file', join(REPO_ROOT, 'infra/cfn-lint.yaml'), '--format', 'json', '--', ...templates],
            { encoding: 'utf8', timeout: SYNTH_TIMEOUT_MS },
          );
          // Assess
          expect(result.error).toBeUndefined();
          const matches = JSON.parse(result.stdout || '[]') as CfnLintMatch[];
          const findings = matches.map(
            (m) => `${m.Rule.Id} ${m.Filename.split('/').pop()} ${m.Location.Path.join('/')}: ${m.Message}`,
          );
          expect(findings).toEqual([]);
          // Standard cross-stack references (Export / Fn::ImportValue), not weak ones
          // (Fn::GetStackOutput inside Fn::Split, which CloudFormation refused: E1022).
          const texts = templates.map((file) => readFileSync(file, 'utf8')).join('\n');
          expect(texts).not.toContain('Fn::GetStackOutput');
          expect(texts).toContain('Fn::ImportValue');
        } finally {
          app.cleanup();
        }
      },
      SYNTH_TIMEOUT_MS * 2,
    );
  }
});
