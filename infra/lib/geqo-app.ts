import { resolve } from 'node:path';
import { type App, Tags } from 'aws-cdk-lib';
import { REPO_ROOT } from './paths.ts';
import { type GeqoSettings, readSettings, stageName } from './settings.ts';
import { DataStack } from './stacks/data-stack.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';
import { SiteStack } from './stacks/site-stack.ts';

export interface GeqoStacks {
  settings: GeqoSettings;
  data: DataStack;
  pipeline: PipelineStack;
  site: SiteStack;
}

/**
 * The whole Geqo deployment, environment-agnostic (no lookups, no account): `GeqoData`
 * (network, database, migrations), `GeqoPipeline` (streams, functions, APIs, alarms) and
 * `GeqoSite` (the dashboard on S3 + CloudFront).
 */
export function buildGeqoApp(app: App): GeqoStacks {
  const settings = readSettings(app.node, { dashboardDist: resolve(REPO_ROOT, 'dashboard/dist') });
  Tags.of(app).add('project', 'geqo-observer');
  Tags.of(app).add('stage', settings.stage);
  // Stack names per stage (the construct ids, which `cdk deploy <id>` takes, stay the same).
  const data = new DataStack(app, 'GeqoData', {
    stackName: stageName(settings, 'data'),
    settings,
    description: 'Geqo Observer: network, Aurora PostgreSQL behind RDS Proxy, schema migrations',
  });
  const pipeline = new PipelineStack(app, 'GeqoPipeline', {
    stackName: stageName(settings, 'pipeline'),
    settings,
    network: data.network,
    database: data.database,
    description: `Geqo Observer: ingest, ${settings.streamEngine} streams, worker, broadcaster, APIs, alarms`,
  });
  // The functions read the schema the migrations create.
  pipeline.addStackDependency(data);
  const site = new SiteStack(app, 'GeqoSite', {
    stackName: stageName(settings, 'site'),
    distFolder: settings.dashboardDist,
    apiUrl: pipeline.restApi.api.apiEndpoint,
    dashboardWsUrl: pipeline.dashboardApi.stage.url,
    description: 'Geqo Observer: dashboard on S3 and CloudFront',
  });
  return { settings, data, pipeline, site };
}
