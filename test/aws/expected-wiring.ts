/**
 * The wiring the pipeline's code relies on (DESIGN.md section 2), checked against what the
 * templates say before anything runs: which function each route and each authorizer invokes,
 * the settings of the event source mappings the worker's error handling counts on, the variables
 * each function reads to find its neighbours, and the order of the migrations resource. A change
 * in `infra/` that breaks one of these is reported here, with every problem at once.
 */
import {
  keyOf,
  type TemplateDeployment,
  type TemplateResolver,
  UnresolvableReferenceError,
} from './template-deployment.ts';

export interface ExpectedRoute {
  folder: string;
  authorizerFolder?: string;
  routeResponse?: boolean;
}

/** What the code needs from the templates. */
export interface ExpectedWiring {
  /** By the API name's last part (`geqo-<stage>-plugin` -> `plugin`), every route it must have, and only those. */
  webSocketApis: Record<string, Record<string, ExpectedRoute>>;
  /** HTTP API routes by route key: the function and the authorization type. */
  httpRoutes: Record<string, { folder: string; authorizationType: 'NONE' | 'AWS_IAM' }>;
  /** Event source mappings by function folder. */
  mappings: Record<
    string,
    {
      stream: string;
      bisectBatchOnFunctionError: boolean;
      onFailureDestination: boolean;
      boundedRetries: boolean;
    }
  >;
  /** Variables each function must be given (its config falls back to a default, or needs it). */
  environment: Record<string, readonly string[]>;
  /** Custom resources by type: the function folder, and the resource types it must wait for. */
  customResources: Record<string, { folder: string; waitsFor: readonly string[] }>;
}

const DATABASE = ['DB_HOST', 'DB_NAME', 'DB_USER'] as const;
const READ_ROUTES = [
  'GET /v1/openapi.json',
  'GET /v1/matches',
  'GET /v1/matches/{id}',
  'GET /v1/matches/{id}/rounds',
];

export const PIPELINE_WIRING: ExpectedWiring = {
  webSocketApis: {
    plugin: {
      $connect: { folder: 'ws-connect', authorizerFolder: 'ws-authorizer' },
      $default: { folder: 'ingest', routeResponse: true },
      $disconnect: { folder: 'ws-disconnect' },
    },
    dashboard: {
      $connect: { folder: 'dashboard-ws' },
      $disconnect: { folder: 'dashboard-ws' },
      $default: { folder: 'dashboard-ws', routeResponse: true },
      subscribe: { folder: 'dashboard-ws', routeResponse: true },
      unsubscribe: { folder: 'dashboard-ws', routeResponse: true },
    },
  },
  httpRoutes: {
    ...Object.fromEntries(
      READ_ROUTES.map((key) => [key, { folder: 'api', authorizationType: 'NONE' as const }]),
    ),
    'GET /v1/matches/{id}/summary': { folder: 'api', authorizationType: 'NONE' },
    'GET /v1/matches/{id}/events': { folder: 'api', authorizationType: 'NONE' },
    'GET /v1/players/{steamId}': { folder: 'api', authorizationType: 'NONE' },
    'POST /v1/servers': { folder: 'api', authorizationType: 'AWS_IAM' },
    'GET /v1/servers': { folder: 'api', authorizationType: 'AWS_IAM' },
    'DELETE /v1/servers/{id}': { folder: 'api', authorizationType: 'AWS_IAM' },
    'GET /v1/dead-letters': { folder: 'api', authorizationType: 'AWS_IAM' },
    'POST /v1/dead-letters/{id}/replay': { folder: 'api', authorizationType: 'AWS_IAM' },
    'POST /v1/logs/{serverId}/{token}': { folder: 'plain-ingest', authorizationType: 'NONE' },
    'POST /v1/webhooks/matchzy': { folder: 'plain-ingest', authorizationType: 'NONE' },
    'POST /v1/webhooks/get5': { folder: 'plain-ingest', authorizationType: 'NONE' },
  },
  mappings: {
    worker: {
      stream: 'raw-game-events',
      bisectBatchOnFunctionError: true,
      onFailureDestination: true,
      boundedRetries: true,
    },
    broadcaster: {
      stream: 'processed-game-events',
      bisectBatchOnFunctionError: false,
      onFailureDestination: false,
      boundedRetries: true,
    },
  },
  environment: {
    'ws-authorizer': DATABASE,
    ingest: ['RAW_STREAM'],
    worker: [...DATABASE, 'PROCESSED_STREAM', 'DEAD_LETTER_QUEUE_URL'],
    broadcaster: [...DATABASE, 'DASHBOARD_WS_ENDPOINT'],
    'dashboard-ws': DATABASE,
    api: DATABASE,
    'plain-ingest': [...DATABASE, 'RAW_STREAM'],
    'dlq-replay': ['RAW_STREAM', 'DEAD_LETTER_QUEUE_URL'],
    'stats-aggregation': DATABASE,
    migrate: DATABASE,
  },
  customResources: {
    'Custom::GeqoMigrations': {
      folder: 'migrate',
      waitsFor: ['AWS::RDS::DBInstance', 'AWS::RDS::DBProxyTargetGroup'],
    },
  },
};

/** Every way the templates differ from `expected`; empty when the wiring is whole. */
export function checkWiring(
  deployment: TemplateDeployment,
  resolver: TemplateResolver,
  expected: ExpectedWiring = PIPELINE_WIRING,
): string[] {
  const problems: string[] = [];
  const folderOf = (key: string) => deployment.functions.get(key)?.folder ?? `(not a Geqo function: ${key})`;

  for (const [suffix, routes] of Object.entries(expected.webSocketApis)) {
    const api = deployment.webSocketApis.find((candidate) => candidate.name.endsWith(`-${suffix}`));
    if (!api) {
      problems.push(`no WebSocket API named *-${suffix}`);
      continue;
    }
    for (const route of api.routes) {
      const want = routes[route.routeKey];
      if (!want) {
        problems.push(`${api.name}: unexpected route ${route.routeKey} to ${folderOf(route.target)}`);
        continue;
      }
      if (folderOf(route.target) !== want.folder)
        problems.push(`${api.name} ${route.routeKey} invokes ${folderOf(route.target)}, not ${want.folder}`);
      const authorizer = route.authorizer ? folderOf(route.authorizer.target) : undefined;
      if (authorizer !== want.authorizerFolder)
        problems.push(
          `${api.name} ${route.routeKey} is authorized by ${authorizer ?? 'nothing'}, not ${want.authorizerFolder ?? 'nothing'}`,
        );
      if (want.authorizerFolder && route.authorizationType !== 'CUSTOM')
        problems.push(
          `${api.name} ${route.routeKey} has authorization ${route.authorizationType}, not CUSTOM`,
        );
      if (route.routeResponse !== (want.routeResponse ?? false))
        problems.push(
          `${api.name} ${route.routeKey} ${route.routeResponse ? 'has' : 'lacks'} a route response`,
        );
    }
    for (const routeKey of Object.keys(routes)) {
      if (!api.routes.some((route) => route.routeKey === routeKey))
        problems.push(`${api.name}: no route ${routeKey}`);
    }
  }

  const httpRoutes = deployment.httpApis.flatMap((api) => api.routes.map((route) => ({ api, route })));
  for (const { api, route } of httpRoutes) {
    const want = expected.httpRoutes[route.routeKey];
    if (!want) problems.push(`${api.name}: unexpected route ${route.routeKey} to ${folderOf(route.target)}`);
    else {
      if (folderOf(route.target) !== want.folder)
        problems.push(`${api.name} ${route.routeKey} invokes ${folderOf(route.target)}, not ${want.folder}`);
      if (route.authorizationType !== want.authorizationType)
        problems.push(
          `${api.name} ${route.routeKey} has authorization ${route.authorizationType}, not ${want.authorizationType}`,
        );
    }
  }
  for (const routeKey of Object.keys(expected.httpRoutes)) {
    if (!httpRoutes.some(({ route }) => route.routeKey === routeKey))
      problems.push(`no HTTP API route ${routeKey}`);
  }

  for (const [folder, want] of Object.entries(expected.mappings)) {
    const mapping = deployment.mappings.find((candidate) => folderOf(candidate.target) === folder);
    if (!mapping) {
      problems.push(`${folder} has no event source mapping`);
      continue;
    }
    const stream = deployment.streams.find((candidate) => keyOf(candidate) === mapping.source);
    if (!stream?.name.endsWith(want.stream))
      problems.push(`${folder}'s mapping reads ${stream?.name ?? mapping.source}, not *${want.stream}`);
    if (mapping.bisectBatchOnFunctionError !== want.bisectBatchOnFunctionError)
      problems.push(
        `${folder}'s mapping has BisectBatchOnFunctionError ${mapping.bisectBatchOnFunctionError}`,
      );
    if (!mapping.reportBatchItemFailures)
      problems.push(`${folder}'s mapping lacks FunctionResponseTypes ReportBatchItemFailures`);
    if (want.boundedRetries && mapping.maximumRetryAttempts < 0)
      problems.push(`${folder}'s mapping retries forever (MaximumRetryAttempts -1)`);
    const queue = mapping.onFailure
      ? deployment.queues.find((candidate) => keyOf(candidate) === mapping.onFailure)
      : undefined;
    if (want.onFailureDestination && !queue) problems.push(`${folder}'s mapping has no on-failure queue`);
  }

  const streamNames = new Set(deployment.streams.map((stream) => stream.name));
  const queueUrls = new Set<string>();
  for (const queue of deployment.queues) {
    try {
      queueUrls.add(resolver.resolveString(queue.stack, { Ref: queue.logicalId }, `${queue.name} URL`));
    } catch (error) {
      problems.push(String(error instanceof Error ? error.message : error));
    }
  }
  for (const fn of deployment.functions.values()) {
    for (const name of expected.environment[fn.folder] ?? []) {
      if (fn.environment[name] === undefined) problems.push(`${fn.folder} (${fn.logicalId}) has no ${name}`);
    }
    for (const [name, value] of Object.entries(fn.environment)) {
      let resolved: string;
      try {
        resolved = resolver.resolveString(fn.stack, value, `${fn.folder} ${name}`);
      } catch (error) {
        if (!(error instanceof UnresolvableReferenceError)) throw error;
        problems.push(error.message);
        continue;
      }
      if (name.endsWith('_STREAM') && !streamNames.has(resolved))
        problems.push(`${fn.folder} ${name} is ${resolved}, which is no stream of the deployment`);
      if (name.endsWith('_QUEUE_URL') && !queueUrls.has(resolved))
        problems.push(`${fn.folder} ${name} is ${resolved}, which is no queue of the deployment`);
    }
  }

  for (const [type, want] of Object.entries(expected.customResources)) {
    const resources = deployment.customResources.filter((resource) => resource.type === type);
    if (resources.length !== 1) problems.push(`expected one ${type}, found ${resources.length}`);
    for (const resource of resources) {
      if (folderOf(resource.target) !== want.folder)
        problems.push(`${type} is handled by ${folderOf(resource.target)}, not ${want.folder}`);
      const stackResources = Object.entries(resolver.resources(resource.stack));
      for (const [logicalId, candidate] of stackResources) {
        if (want.waitsFor.includes(candidate.Type) && !resource.dependsOn.includes(logicalId))
          problems.push(`${type} does not wait for ${candidate.Type} ${logicalId} (DependsOn)`);
      }
    }
  }
  return problems;
}
