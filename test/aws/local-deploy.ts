/**
 * A local deploy driven by the synthesized templates (issue #16): no AWS emulator here can deploy
 * this app without Docker, so this reads what `cdk synth` produced and runs it on stand-ins.
 *
 * 1. The templates are read ({@link readDeployment}) and their wiring checked ({@link checkWiring}):
 *    a broken one fails here, naming every problem.
 * 2. The Kinesis streams (names and shard counts from the templates) are created on kinesis-local,
 *    the SQS queues (names from the templates) on local-aws-sqs.
 * 3. Every Geqo function is bundled from `functions/<folder>/handler.ts` as the CDK app bundles it
 *    and started in its own worker thread with the environment of the template, every reference
 *    resolved (an unresolvable one throws), plus what Lambda adds (`AWS_REGION`, credentials) and
 *    what a stand-in needs (`KINESIS_ENDPOINT`, `SQS_ENDPOINT`). What is not AWS here:
 *    - IAM database authentication: functions get `DATABASE_URL` (the local PostgreSQL's user and
 *      password, on the host their `DB_HOST` resolved to) instead of signing RDS tokens;
 *    - `https://<api>.execute-api…` URLs point at the local gateway of that API.
 * 4. The custom resources are created as CloudFormation creates them: their handler (the CDK
 *    provider framework's user function) gets a `Create` event with the template's properties.
 * 5. The WebSocket APIs (`test/services/apigw-websocket.ts`, with API Gateway's limits) and the
 *    HTTP API (`test/services/apigw-http.ts`) route to the functions the templates name; the event
 *    source mappings poll their streams with the templates' settings.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { bundleLambdas } from '../../bench/lambda-bundles.ts';
import type { WebSocketAuthorizerEvent, WebSocketEvent } from '../../functions/lib/websocket.ts';
import { createKinesisClient } from '../../shared/adapters/kinesis/index.ts';
import { createSqsClient } from '../../shared/adapters/sqs/index.ts';
import { ApiGatewayHttpApi } from '../services/apigw-http.ts';
import { ApiGatewayWebSocket, type WebSocketGatewayLimits } from '../services/apigw-websocket.ts';
import { EventSourcePoller } from '../services/event-source-poller.ts';
import type { KinesisLocal } from '../services/kinesis-local.ts';
import type { SqsLocal } from '../services/sqs-local.ts';
import { SqsOnFailureDestination } from '../services/sqs-on-failure-destination.ts';
import { checkWiring, type ExpectedWiring, PIPELINE_WIRING } from './expected-wiring.ts';
import { LocalLambda } from './local-lambda.ts';
import {
  apiIdOf,
  type CustomResourceSpec,
  type FunctionSpec,
  keyOf,
  localValues,
  readDeployment,
  type StackTemplate,
  type TemplateDeployment,
  TemplateResolver,
} from './template-deployment.ts';

export class WiringError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the templates' wiring is broken:\n- ${problems.join('\n- ')}`);
    this.name = 'WiringError';
  }
}

export interface LocalDeployOptions {
  stacks: readonly StackTemplate[];
  kinesis: KinesisLocal;
  sqs: SqsLocal;
  /** The local PostgreSQL database the functions use. */
  databaseUrl: string;
  /** What the migrations function gets instead of `databaseUrl` (a test puts a late database there). */
  migrationsDatabaseUrl?: string;
  /** Where the bundles are built; inside the repository, so the AWS SDK resolves from node_modules. */
  bundleDir: string;
  gatewayLimits?: Partial<WebSocketGatewayLimits>;
  expected?: ExpectedWiring;
  /** Called when the functions run, just before the custom resources are created. */
  beforeCustomResources?: () => void;
  /** Pause of the event source mappings after an empty GetRecords (AWS: about 1 s). Default 100. */
  pollIntervalMs?: number;
}

/** What a custom resource's handler answered to its `Create`. */
export interface CustomResourceOutcome {
  resource: CustomResourceSpec;
  response: unknown;
  durationMs: number;
}

/** The credentials of the deploy: the functions', and what SigV4 callers of `AWS_IAM` routes must sign with. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCALDEPLOY',
  AWS_SECRET_ACCESS_KEY: 'local-deploy-secret',
  AWS_SESSION_TOKEN: 'local-deploy-session',
};

export class LocalDeploy {
  readonly lambdas = new Map<string, LocalLambda>();
  readonly webSocketApis = new Map<string, ApiGatewayWebSocket>();
  readonly pollers = new Map<string, EventSourcePoller>();
  readonly customResources: CustomResourceOutcome[] = [];
  httpApi: ApiGatewayHttpApi | undefined;
  private readonly clients: { kinesis: KinesisClient; sqs: SQSClient };
  private readonly queueUrls = new Map<string, string>();
  readonly resolver: TemplateResolver;
  readonly deployment: TemplateDeployment;

  private constructor(
    readonly options: LocalDeployOptions,
    readonly region: string,
  ) {
    const database = new URL(options.databaseUrl);
    this.resolver = new TemplateResolver(
      options.stacks,
      localValues({
        region,
        databaseHost: database.hostname,
        queueUrl: (name) => {
          const url = this.queueUrls.get(name);
          if (!url) throw new Error(`queue ${name} was not created`);
          return url;
        },
      }),
      region,
    );
    this.deployment = readDeployment(options.stacks, this.resolver);
    this.clients = {
      kinesis: createKinesisClient({ region, endpoint: options.kinesis.endpoint }),
      sqs: createSqsClient({ region, endpoint: options.sqs.endpoint }),
    };
  }

  /** Deploys the templates; on any failure, what was started is stopped and the error thrown. */
  static async deploy(options: LocalDeployOptions): Promise<LocalDeploy> {
    const deploy = new LocalDeploy(options, options.kinesis.region);
    try {
      await deploy.run();
    } catch (error) {
      await deploy.stop();
      throw error;
    }
    return deploy;
  }

  /** The running function of a `functions/` folder (the only one of that folder). */
  lambda(folder: string): LocalLambda {
    const found = [...this.lambdas.values()].filter((lambda) => this.specOf(lambda).folder === folder);
    if (found.length !== 1) throw new Error(`${found.length} functions of folder ${folder}`);
    return found[0]!;
  }

  /** The WebSocket API whose name ends with `-<suffix>` (`plugin`, `dashboard`). */
  webSocket(suffix: string): ApiGatewayWebSocket {
    const api = this.deployment.webSocketApis.find((candidate) => candidate.name.endsWith(`-${suffix}`));
    const gateway = api ? this.webSocketApis.get(keyOf(api)) : undefined;
    if (!gateway) throw new Error(`no WebSocket API *-${suffix}`);
    return gateway;
  }

  /** The event source mapping of the function of `folder`. */
  poller(folder: string): EventSourcePoller {
    const found = this.pollers.get(folder);
    if (!found) throw new Error(`no event source mapping for ${folder}`);
    return found;
  }

  /** Every function's log lines (JSON), with the folder it came from. */
  logs(): { folder: string; line: Record<string, unknown> }[] {
    return [...this.lambdas.values()].flatMap((lambda) =>
      lambda.logs().map((line) => ({ folder: this.specOf(lambda).folder, line })),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((poller) => poller.stop()));
    await Promise.all([...this.webSocketApis.values()].map((gateway) => gateway.stop()));
    await this.httpApi?.stop();
    await Promise.all([...this.lambdas.values()].map((lambda) => lambda.stop()));
    this.clients.kinesis.destroy();
    this.clients.sqs.destroy();
  }

  private specOf(lambda: LocalLambda): FunctionSpec {
    const spec = this.deployment.functions.get(lambda.options.functionName.replace('.', '/'));
    if (!spec) throw new Error(`no function ${lambda.options.functionName}`);
    return spec;
  }

  private invoker(key: string): (event: unknown) => Promise<unknown> {
    return (event) => {
      const lambda = this.lambdas.get(key);
      if (!lambda) return Promise.reject(new Error(`function ${key} is not running`));
      return lambda.invoke(event);
    };
  }

  private async run(): Promise<void> {
    const { options, deployment } = this;
    const functions = [...deployment.functions.values()];
    const folders = [...new Set(functions.map((fn) => fn.folder))];
    mkdirSync(options.bundleDir, { recursive: true });
    // Bundling runs while the queues and streams are created (the wiring check resolves queue URLs).
    const [files] = await Promise.all([
      bundleLambdas(folders, options.bundleDir),
      ...deployment.queues.map(async (queue) => {
        this.queueUrls.set(queue.name, await options.sqs.createQueue(queue.name));
      }),
      ...deployment.streams.map((stream) => options.kinesis.createStream(stream.name, stream.shardCount)),
    ]);
    const problems = checkWiring(deployment, this.resolver, options.expected ?? PIPELINE_WIRING);
    if (problems.length > 0) throw new WiringError(problems);
    const bundleOf = new Map(folders.map((folder, index) => [folder, files[index]!]));

    // The gateways start first: functions are given their URLs (the Management API endpoint).
    await this.startGateways();
    const started = await Promise.allSettled(
      functions.map(async (fn) => {
        const lambda = await LocalLambda.start({
          functionName: `${fn.stack}.${fn.logicalId}`,
          file: bundleOf.get(fn.folder)!,
          exportName: fn.exportName,
          environment: this.environmentOf(fn),
          timeoutMs: fn.timeoutSeconds * 1000,
        });
        this.lambdas.set(keyOf(fn), lambda);
      }),
    );
    const failed = started.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failed.length > 0)
      throw new AggregateError(
        failed.map((outcome) => outcome.reason),
        'functions failed to start',
      );

    options.beforeCustomResources?.();
    for (const resource of deployment.customResources) {
      const startedAt = Date.now();
      const response = await this.invoker(resource.target)({
        RequestType: 'Create',
        ServiceToken: `arn:aws:lambda:${this.region}:000000000000:function:provider`,
        ResponseURL: 'http://127.0.0.1/unused',
        StackId: `arn:aws:cloudformation:${this.region}:000000000000:stack/${resource.stack}/local`,
        RequestId: `create-${resource.logicalId}`,
        LogicalResourceId: resource.logicalId,
        ResourceType: resource.type,
        ResourceProperties: { ServiceToken: 'provider', ...resource.properties },
      });
      this.customResources.push({ resource, response, durationMs: Date.now() - startedAt });
    }

    await this.startMappings();
  }

  /** The function's environment: the template's, resolved, plus what Lambda and the stand-ins add. */
  private environmentOf(fn: FunctionSpec): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.environment)) {
      environment[name] = this.localEndpoint(
        this.resolver.resolveString(fn.stack, value, `${fn.folder} ${name}`),
      );
    }
    if (environment.DB_HOST !== undefined) {
      const database = new URL(
        fn.folder === 'migrate' && this.options.migrationsDatabaseUrl
          ? this.options.migrationsDatabaseUrl
          : this.options.databaseUrl,
      );
      database.hostname = environment.DB_HOST;
      environment.DATABASE_URL = database.toString();
    }
    return {
      ...environment,
      ...LOCAL_CREDENTIALS,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_LAMBDA_FUNCTION_NAME: `${fn.stack}.${fn.logicalId}`,
      TZ: 'UTC',
      PATH: process.env.PATH ?? '',
      KINESIS_ENDPOINT: this.options.kinesis.endpoint,
      SQS_ENDPOINT: this.options.sqs.endpoint,
    };
  }

  /** `https://<api>.execute-api.<region>.amazonaws.com/<stage>` -> that API's local gateway. */
  private localEndpoint(value: string): string {
    for (const api of this.deployment.webSocketApis) {
      const remote = `https://${apiIdOf(api.logicalId)}.execute-api.${this.region}.amazonaws.com/${api.stage}`;
      const gateway = this.webSocketApis.get(keyOf(api));
      if (gateway && value === remote) return gateway.managementEndpoint;
    }
    return value;
  }

  private async startGateways(): Promise<void> {
    for (const api of this.deployment.webSocketApis) {
      const connect = api.routes.find((route) => route.routeKey === '$connect');
      const gateway = await ApiGatewayWebSocket.start({
        apiId: apiIdOf(api.logicalId),
        stage: api.stage,
        region: this.region,
        routeSelectionExpression: api.routeSelectionExpression,
        routes: Object.fromEntries(
          api.routes.map((route) => [
            route.routeKey,
            {
              integration: this.invoker(route.target) as (event: WebSocketEvent) => Promise<unknown>,
              routeResponse: route.routeResponse,
            },
          ]),
        ),
        ...(connect?.authorizer
          ? {
              authorizer: {
                invoke: this.invoker(connect.authorizer.target) as (
                  event: WebSocketAuthorizerEvent,
                ) => Promise<unknown>,
                identitySource: connect.authorizer.identitySource,
              },
            }
          : {}),
        ...(this.options.gatewayLimits ? { limits: this.options.gatewayLimits } : {}),
      });
      this.webSocketApis.set(keyOf(api), gateway);
    }
    const routes = this.deployment.httpApis.flatMap((api) => api.routes);
    if (routes.length > 0) {
      this.httpApi = await ApiGatewayHttpApi.start(
        routes.map((route) => ({
          routeKey: route.routeKey,
          authorizationType: route.authorizationType,
          integration: this.invoker(route.target),
        })),
        {
          // `AWS_IAM` routes take requests signed with the deploy's own credentials.
          iam: {
            region: this.region,
            accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
            secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
          },
        },
      );
    }
  }

  private async startMappings(): Promise<void> {
    for (const mapping of this.deployment.mappings) {
      const fn = this.deployment.functions.get(mapping.target);
      const stream = this.deployment.streams.find((candidate) => keyOf(candidate) === mapping.source);
      if (!fn || !stream) throw new Error(`${mapping.logicalId}: its function or stream is not deployed`);
      const queue = mapping.onFailure
        ? this.deployment.queues.find((candidate) => keyOf(candidate) === mapping.onFailure)
        : undefined;
      const poller = new EventSourcePoller({
        client: this.clients.kinesis,
        stream: stream.name,
        functionName: `${fn.stack}.${fn.logicalId}`,
        handler: this.invoker(mapping.target),
        batchSize: mapping.batchSize,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
        maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
        parallelizationFactor: mapping.parallelizationFactor,
        startingPosition: mapping.startingPosition,
        ...(queue
          ? { onFailure: new SqsOnFailureDestination(this.clients.sqs, this.queueUrls.get(queue.name) ?? '') }
          : {}),
        pollIntervalMs: this.options.pollIntervalMs ?? 100,
        retryDelayMs: 50,
      });
      await poller.start();
      this.pollers.set(fn.folder, poller);
    }
  }
}

/** A folder under the repository for one deploy's bundles. */
export function bundleDirFor(repoRoot: string, name: string): string {
  return join(repoRoot, '.geqo', 'aws-local', name);
}
