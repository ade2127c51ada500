import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildGeqoApp, type GeqoStacks } from '../lib/geqo-app.ts';
import { REPO_ROOT } from '../lib/paths.ts';

/** Synthesizing the whole app takes seconds, more on a busy two-core machine. */
export const SYNTH_TIMEOUT_MS = 90_000;

export interface SynthesizedApp {
  stacks: GeqoStacks;
  /** The cloud assembly folder (templates are written there by `stacks.app.synth()`). */
  outdir: string;
  data: Template;
  pipeline: Template;
  site: Template;
  /** Writes the cloud assembly (the templates) into `outdir`. */
  writeAssembly(): void;
  /** Removes the temporary cloud assembly folder. */
  cleanup(): void;
}

/** The context of cdk.json (feature flags, defaults), which `npx cdk synth` gives the app too. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * The whole app with cdk.json's context and `context`, without bundling (template tests need no function code), into a
 * temporary folder the caller removes with `cleanup()`.
 */
export function synthApp(context: Record<string, unknown> = {}): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'geqo-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
      ...context,
    },
  });
  const stacks = buildGeqoApp(app);
  return {
    stacks,
    outdir,
    data: Template.fromStack(stacks.data),
    pipeline: Template.fromStack(stacks.pipeline),
    site: Template.fromStack(stacks.site),
    writeAssembly: () => {
      app.synth();
    },
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The logical id of the one resource of `type` whose properties match. */
export function logicalIdOf(template: Template, type: string, properties: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: properties }));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  return found[0]!;
}
