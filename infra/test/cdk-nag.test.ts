/**
 * cdk-nag's AwsSolutions pack on every variant: each finding is fixed or acknowledged next to its
 * construct with a reason (`Validations.of(construct).acknowledge`), so synthesis passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildGeqoApp } from '../lib/geqo-app.ts';
import { cdkJsonContext, SYNTH_TIMEOUT_MS } from './synth-app.ts';

function withNag(context: Record<string, unknown>, build: (app: App) => void): () => void {
  const outdir = mkdtempSync(join(tmpdir(), 'geqo-nag-'));
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return () => {
    try {
      app.synth();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };
}

describe('cdk-nag AwsSolutions', () => {
  for (const context of [
    { profile: 'small', streamEngine: 'kinesis' },
    { profile: 'production', streamEngine: 'kinesis' },
    { profile: 'production', streamEngine: 'msk' },
  ]) {
    it(
      `finds nothing unacknowledged in the ${context.streamEngine}, ${context.profile} app`,
      async () => {
        expect(withNag(context, (app) => buildGeqoApp(app))).not.toThrow();
      },
      SYNTH_TIMEOUT_MS,
    );
  }

  it('fails synthesis on a finding nobody acknowledged (a queue without a dead-letter queue)', async () => {
    const synth = withNag({}, (app) => {
      new sqs.Queue(new Stack(app, 'Probe'), 'Queue', { enforceSSL: true });
    });
    expect(synth).toThrow(/SQS queue is not used as a dead-letter queue|AwsSolutions-SQS3/);
  });
});
