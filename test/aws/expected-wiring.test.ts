/**
 * A change in `infra/` that breaks the wiring fails here, not in a deploy: the synthesized
 * templates pass the local deploy's wiring check, and each breakage made to a copy of them (a
 * missing environment variable, a reference that cannot resolve, a route to the wrong function, a
 * mapping without bisect, migrations that do not wait for the writer) is reported by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, synthApp } from '../../infra/test/synth-app.ts';
import { checkWiring } from './expected-wiring.ts';
import {
  type CfnTemplate,
  localValues,
  readDeployment,
  type StackTemplate,
  TemplateResolver,
} from './template-deployment.ts';

const REGION = 'us-east-1';

/** The app's data and pipeline templates under `context`. */
function synthesized(context: Record<string, unknown> = {}): StackTemplate[] {
  const app = synthApp(context);
  try {
    return [
      { stackName: app.stacks.data.stackName, template: app.data.toJSON() as CfnTemplate },
      { stackName: app.stacks.pipeline.stackName, template: app.pipeline.toJSON() as CfnTemplate },
    ];
  } finally {
    app.cleanup();
  }
}

/** What the local deploy's check reports for `stacks`. */
function problemsOf(stacks: StackTemplate[]): string[] {
  const resolver = new TemplateResolver(
    stacks,
    localValues({
      region: REGION,
      databaseHost: 'db.local',
      queueUrl: (name) => `https://sqs.${REGION}.amazonaws.com/000000000000/${name}`,
    }),
    REGION,
  );
  return checkWiring(readDeployment(stacks, resolver), resolver);
}

/** A deep copy of `stacks` with `change` applied to the template of the stack whose name ends with `suffix`. */
function broken(
  stacks: StackTemplate[],
  suffix: string,
  change: (template: CfnTemplate) => void,
): StackTemplate[] {
  const copy = structuredClone(stacks);
  const stack = copy.find((candidate) => candidate.stackName.endsWith(suffix));
  if (!stack) throw new Error(`no stack *${suffix}`);
  change(stack.template);
  return copy;
}

/** The one resource of `type` whose `aws:cdk:path` or properties `match` says so. */
function resourceOf(
  template: CfnTemplate,
  type: string,
  match: (resource: Record<string, unknown>) => boolean,
) {
  const found = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === type && match(resource as unknown as Record<string, unknown>),
  );
  if (found.length !== 1) throw new Error(`${found.length} ${type} resources match`);
  return found[0]!;
}

const functionNamed = (template: CfnTemplate, folder: string) =>
  resourceOf(template, 'AWS::Lambda::Function', (resource) => {
    const metadata = resource.Metadata as Record<string, unknown> | undefined;
    return metadata?.['geqo:function'] === folder;
  });

function environmentOf(template: CfnTemplate, folder: string): Record<string, unknown> {
  const environment = functionNamed(template, folder)[1].Properties?.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  if (!environment) throw new Error(`${folder} has no environment`);
  return environment.Variables;
}

describe('the wiring check of the local deploy', () => {
  let small: StackTemplate[];

  beforeAll(() => {
    small = synthesized();
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => {
    small = [];
  });

  it('finds nothing wrong in the synthesized templates of the small profile', () => {
    expect(problemsOf(small)).toEqual([]);
  });

  it(
    'finds nothing wrong in the production profile, whose migrations wait for the writer and the proxy target group',
    () => {
      const production = synthesized({ profile: 'production' });
      const data = production.find((stack) => stack.stackName.endsWith('-data'))!.template;
      expect(
        Object.values(data.Resources).some((resource) => resource.Type === 'AWS::RDS::DBProxyTargetGroup'),
      ).toBe(true);
      expect(problemsOf(production)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it('reports a function that lost an environment variable it needs', () => {
    const stacks = broken(small, '-pipeline', (template) => {
      delete environmentOf(template, 'ingest').RAW_STREAM;
    });
    expect(problemsOf(stacks)).toEqual([expect.stringMatching(/^ingest \(ingest\w+\) has no RAW_STREAM$/)]);
  });

  it('reports an environment variable whose reference cannot be resolved, and one naming no stream', () => {
    const stacks = broken(small, '-pipeline', (template) => {
      environmentOf(template, 'worker').DEAD_LETTER_QUEUE_URL = { Ref: 'NoSuchQueue' };
      environmentOf(template, 'worker').PROCESSED_STREAM = 'processed-game-events';
    });
    expect(problemsOf(stacks)).toEqual([
      'worker PROCESSED_STREAM is processed-game-events, which is no stream of the deployment',
      'worker DEAD_LETTER_QUEUE_URL: cannot resolve {"Ref":"NoSuchQueue"}: geqo-dev-pipeline has no such resource',
    ]);
  });

  it('reports a route whose integration invokes the wrong function', () => {
    const stacks = broken(small, '-pipeline', (template) => {
      const [dashboardWs] = functionNamed(template, 'dashboard-ws');
      const [, integration] = resourceOf(template, 'AWS::ApiGatewayV2::Integration', (resource) =>
        JSON.stringify(resource).includes(functionNamed(template, 'ingest')[0]),
      );
      integration.Properties!.IntegrationUri = JSON.parse(
        JSON.stringify(integration.Properties!.IntegrationUri).replace(/ingest[0-9A-F]{8}/, dashboardWs),
      ) as unknown;
    });
    expect(problemsOf(stacks)).toEqual([
      expect.stringMatching(/-plugin \$default invokes dashboard-ws, not ingest$/),
    ]);
  });

  it('reports the worker mapping without bisect on error, and one that retries forever', () => {
    const stacks = broken(small, '-pipeline', (template) => {
      const [, mapping] = resourceOf(template, 'AWS::Lambda::EventSourceMapping', (resource) =>
        JSON.stringify(resource).includes(functionNamed(template, 'worker')[0]),
      );
      mapping.Properties!.BisectBatchOnFunctionError = false;
      delete mapping.Properties!.MaximumRetryAttempts;
    });
    expect(problemsOf(stacks)).toEqual([
      "worker's mapping has BisectBatchOnFunctionError false",
      "worker's mapping retries forever (MaximumRetryAttempts -1)",
    ]);
  });

  it('reports migrations that do not wait for the writer instance', () => {
    const stacks = broken(small, '-data', (template) => {
      const [, migrations] = resourceOf(template, 'Custom::GeqoMigrations', () => true);
      delete migrations.DependsOn;
    });
    expect(problemsOf(stacks)).toEqual([
      expect.stringMatching(
        /^Custom::GeqoMigrations does not wait for AWS::RDS::DBInstance \w+ \(DependsOn\)$/,
      ),
    ]);
  });
});
