import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ApiGatewayLogsRole } from '../constructs/api-access-logs.ts';
import { DashboardWebSocketApi } from '../constructs/dashboard-websocket-api.ts';
import type { DatabaseAccess } from '../constructs/database.ts';
import { type EventStreams, PROCESSED_STREAM, RAW_STREAM } from '../constructs/event-streams.ts';
import { GeqoFunction, type VpcPlacement } from '../constructs/geqo-function.ts';
import { RestHttpApi } from '../constructs/http-api.ts';
import { KinesisEventStreams } from '../constructs/kinesis-streams.ts';
import { MskEventStreams } from '../constructs/msk-streams.ts';
import type { Network } from '../constructs/network.ts';
import { OpsDashboard } from '../constructs/ops-dashboard.ts';
import { PipelineAlarms, type Watch } from '../constructs/pipeline-alarms.ts';
import { PluginWebSocketApi } from '../constructs/plugin-websocket-api.ts';
import { type GeqoSettings, stageName } from '../settings.ts';

export interface PipelineStackProps extends StackProps {
  settings: GeqoSettings;
  network: Network;
  database: DatabaseAccess;
}

/** The worker's event source mapping: bounded retries, bisecting, partial batch responses, a DLQ. */
export const WORKER_SOURCE = {
  batchSize: 500,
  maxBatchingWindow: Duration.seconds(1),
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
  bisectBatchOnError: true,
  parallelizationFactor: 2,
} as const;

/** The broadcaster's mapping: live updates, so small batches, few retries and a short record age. */
export const BROADCASTER_SOURCE = {
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(0),
  retryAttempts: 2,
  maxRecordAge: Duration.minutes(1),
  bisectBatchOnError: false,
  parallelizationFactor: 1,
} as const;

/**
 * How often the scheduled sweeps run (the statistics aggregation and the ingest outbox recovery),
 * per profile. Every run opens a database connection: once a minute would keep a small profile's
 * Aurora from ever pausing, so there they run hourly (invoke stats-aggregation by hand for fresh
 * statistics).
 */
export const SWEEP_SCHEDULES = {
  production: events.Schedule.rate(Duration.minutes(1)),
  small: events.Schedule.rate(Duration.hours(1)),
} as const;

/**
 * Reserved concurrency of the functions whose runaway would hurt: ingest (every plugin frame, one
 * invocation each: a flood fills the stream and the bill) and the worker (connections to the
 * database: Kinesis runs shards x parallelization factor of them, this caps a misconfiguration).
 * Reserving needs the account's concurrency quota above 100 plus these (new accounts start at 10:
 * ask for the default 1,000 first).
 */
export const RESERVED_CONCURRENCY = {
  production: { ingest: 200, worker: 32 },
  small: { ingest: 20, worker: 4 },
} as const;

/** A WebSocket stage's errors: integration failures (a function that failed) and API Gateway's own. */
function webSocketErrors(name: string, api: apigwv2.WebSocketApi, stage: apigwv2.WebSocketStage): Watch[] {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: api.apiId, Stage: stage.stageName },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
  return [
    {
      name: `${name}-integration-errors`,
      description: `${name}: a route's function failed or timed out, closing or failing the message`,
      metric: metric('IntegrationError'),
      threshold: 1,
    },
    {
      name: `${name}-execution-errors`,
      description: `${name}: API Gateway failed to run a route (ExecutionError)`,
      metric: metric('ExecutionError'),
      threshold: 1,
    },
  ];
}

/**
 * The pipeline of DESIGN.md section 2: plugin WebSocket API -> ingest -> raw stream -> worker
 * -> PostgreSQL and processed stream -> broadcaster -> dashboard WebSocket API; the REST API;
 * the dead-letter queues, alarms and the operations dashboard. Kinesis or MSK by `streamEngine`.
 */
export class PipelineStack extends Stack {
  readonly streams: EventStreams;
  readonly functions: Record<string, GeqoFunction>;
  readonly deadLetterQueue: sqs.Queue;
  readonly batchFailureQueue: sqs.Queue;
  readonly pluginApi: PluginWebSocketApi;
  readonly dashboardApi: DashboardWebSocketApi;
  readonly restApi: RestHttpApi;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings, database, network } = props;
    const named = (name: string) => stageName(settings, name);
    const streamNames = { [RAW_STREAM]: named(RAW_STREAM), [PROCESSED_STREAM]: named(PROCESSED_STREAM) };
    this.streams =
      settings.streamEngine === 'msk'
        ? new MskEventStreams(this, 'Streams', {
            network,
            clusterName: named('streams'),
            names: streamNames,
            logLevel: settings.logLevel,
          })
        : new KinesisEventStreams(this, 'Streams', {
            names: streamNames,
            onDemand: settings.profile === 'production',
          });
    const streams = this.streams;

    // Poison records, with payload and reason, written by the worker itself.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: named('raw-game-events-dlq'),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // Batches the event source mapping gave up on: metadata only (shard, sequence range).
    // Neither queue has a dead-letter queue of its own: they are the last stop, watched by alarms.
    this.batchFailureQueue = new sqs.Queue(this, 'BatchFailures', {
      queueName: named('raw-game-events-batch-failures'),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    for (const queue of [this.deadLetterQueue, this.batchFailureQueue]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: 'this queue is itself a dead-letter queue (the last stop), alarmed on any message',
      });
    }

    const fn = (
      name: string,
      description: string,
      options: {
        environment?: Record<string, string>;
        vpc?: VpcPlacement | undefined;
        memorySize?: number;
        timeout?: Duration;
        tracing?: boolean;
        reservedConcurrentExecutions?: number;
      } = {},
    ) =>
      new GeqoFunction(this, name, {
        name,
        description: `Geqo: ${description}`,
        logLevel: settings.logLevel,
        ...(options.environment ? { environment: options.environment } : {}),
        ...(options.vpc ? { vpc: options.vpc } : {}),
        ...(options.memorySize ? { memorySize: options.memorySize } : {}),
        ...(options.timeout ? { timeout: options.timeout } : {}),
        ...(options.tracing ? { tracing: true } : {}),
        ...(options.reservedConcurrentExecutions !== undefined
          ? { reservedConcurrentExecutions: options.reservedConcurrentExecutions }
          : {}),
      });
    const limits = RESERVED_CONCURRENCY[settings.profile];
    const dbEnv = database.environment;
    const dbVpc = database.placement ?? streams.producerPlacement;
    const streamVpc = streams.producerPlacement;

    const wsAuthorizer = fn('ws-authorizer', 'plugin $connect authorizer', {
      environment: dbEnv,
      vpc: database.placement,
    });
    const wsConnect = fn('ws-connect', 'plugin $connect', { memorySize: 256 });
    const wsDisconnect = fn('ws-disconnect', 'plugin $disconnect', { memorySize: 256 });
    const ingest = fn('ingest', 'plugin frames to raw-game-events', {
      environment: { ...streams.producerEnvironment, RAW_STREAM: streamNames[RAW_STREAM] },
      vpc: streamVpc,
      timeout: Duration.seconds(10),
      tracing: true,
      reservedConcurrentExecutions: limits.ingest,
    });
    const worker = fn('worker', 'raw-game-events to PostgreSQL and processed-game-events', {
      environment: {
        ...dbEnv,
        ...streams.producerEnvironment,
        PROCESSED_STREAM: streamNames[PROCESSED_STREAM],
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      },
      vpc: dbVpc,
      memorySize: 1024,
      timeout: Duration.minutes(2),
      tracing: true,
      reservedConcurrentExecutions: limits.worker,
    });
    const dashboardWs = fn('dashboard-ws', 'dashboard WebSocket routes', {
      environment: dbEnv,
      vpc: database.placement,
    });
    const logging = new ApiGatewayLogsRole(this, 'ApiGatewayLogs');
    this.dashboardApi = new DashboardWebSocketApi(this, 'DashboardApi', {
      logging: logging.account,
      routes: dashboardWs,
      apiName: named('dashboard'),
    });
    const broadcaster = fn('broadcaster', 'processed-game-events to dashboards', {
      environment: { ...dbEnv, DASHBOARD_WS_ENDPOINT: this.dashboardApi.callbackUrl },
      vpc: database.placement,
      timeout: Duration.seconds(30),
      tracing: true,
    });
    const api = fn('api', 'REST API', { environment: dbEnv, vpc: database.placement });
    // CS2 log POSTs and MatchZy/get5 webhooks: servers and channel outboxes in PostgreSQL, frames
    // on the raw stream. Inside the VPC (the proxy), where the worker also runs.
    const plainIngest = fn('plain-ingest', 'CS2 log stream and MatchZy/get5 webhooks to raw-game-events', {
      environment: { ...dbEnv, ...streams.producerEnvironment, RAW_STREAM: streamNames[RAW_STREAM] },
      vpc: dbVpc,
      timeout: Duration.seconds(15),
      tracing: true,
    });
    // Recomputes whole matches from their stored events: memory, and minutes for a long one.
    const statsAggregation = fn('stats-aggregation', 'aggregates the statistics of ended matches', {
      environment: dbEnv,
      vpc: database.placement,
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    const dlqReplay = fn('dlq-replay', 'replays raw-game-events-dlq onto raw-game-events', {
      environment: {
        ...streams.producerEnvironment,
        RAW_STREAM: streamNames[RAW_STREAM],
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      },
      vpc: streamVpc,
      timeout: Duration.minutes(5),
    });
    this.functions = {
      wsAuthorizer,
      wsConnect,
      wsDisconnect,
      ingest,
      worker,
      broadcaster,
      dashboardWs,
      api,
      dlqReplay,
      plainIngest,
      statsAggregation,
    };

    // Least privilege: each function gets exactly what its composition root uses.
    for (const reader of [
      wsAuthorizer,
      worker,
      broadcaster,
      dashboardWs,
      api,
      plainIngest,
      statsAggregation,
    ]) {
      database.grantConnect(reader);
    }
    streams.grantWrite(ingest, RAW_STREAM);
    streams.grantWrite(plainIngest, RAW_STREAM);
    streams.grantWrite(worker, PROCESSED_STREAM);
    streams.grantWrite(dlqReplay, RAW_STREAM);
    this.deadLetterQueue.grantSendMessages(worker);
    this.deadLetterQueue.grantConsumeMessages(dlqReplay);
    this.dashboardApi.api.grantManageConnections(broadcaster);
    Validations.of(broadcaster).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<DashboardApi54AB17B7>/*/*/@connections/*]',
      reason:
        'the broadcaster posts to whichever dashboard connections exist: connection ids are only known at run time, on this API only',
    });

    streams.consume(worker, RAW_STREAM, {
      ...WORKER_SOURCE,
      startFrom: 'oldest',
      onFailure: new SqsDlq(this.batchFailureQueue),
      consumerGroup: 'geqo-worker',
    });
    streams.consume(broadcaster, PROCESSED_STREAM, {
      ...BROADCASTER_SOURCE,
      startFrom: 'latest',
      consumerGroup: 'geqo-broadcaster',
    });

    this.pluginApi = new PluginWebSocketApi(this, 'PluginApi', {
      authorizer: wsAuthorizer,
      connect: wsConnect,
      disconnect: wsDisconnect,
      ingest,
      logging: logging.account,
      apiName: named('plugin'),
    });
    this.restApi = new RestHttpApi(this, 'RestApi', {
      handlers: { api, 'plain-ingest': plainIngest },
      apiName: named('api'),
    });

    // The sweeps. Each run is its own retry of the last (a minute later), so neither the rule nor
    // Lambda's asynchronous invocation retries a failed run: that would only stack runs up.
    for (const sweeper of [statsAggregation, plainIngest]) {
      sweeper.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    }
    new events.Rule(this, 'StatsAggregationSchedule', {
      description: 'Geqo: aggregates the statistics of ended matches',
      schedule: SWEEP_SCHEDULES[settings.profile],
      targets: [new targets.LambdaFunction(statsAggregation, { retryAttempts: 0 })],
    });
    new events.Rule(this, 'OutboxRecoverySchedule', {
      description: 'Geqo: puts the log and webhook frames a failed request left in its outbox',
      schedule: SWEEP_SCHEDULES[settings.profile],
      targets: [
        new targets.LambdaFunction(plainIngest, {
          event: events.RuleTargetInput.fromObject({ action: 'recover-outboxes' }),
          retryAttempts: 0,
        }),
      ],
    });

    const consumers = { worker, broadcaster };
    const queues = { deadLetters: this.deadLetterQueue, batchFailures: this.batchFailureQueue };
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      functions: this.functions,
      consumers,
      streams,
      queues,
      namePrefix: named(''),
      watches: [
        {
          name: 'rest-api-5xx',
          description: 'The HTTP API answered 5xx (REST reads, log POSTs, webhooks)',
          metric: this.restApi.api.metricServerError({ period: Duration.minutes(5) }),
          threshold: 1,
        },
        ...webSocketErrors('plugin-api', this.pluginApi.api, this.pluginApi.stage),
        ...webSocketErrors('dashboard-api', this.dashboardApi.api, this.dashboardApi.stage),
        ...database.health(),
        ...streams.putFailures(),
      ],
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
    new OpsDashboard(this, 'Operations', {
      functions: this.functions,
      consumers,
      streams,
      queues,
      alarms: this.alarms.alarms,
      dashboardName: named('operations'),
    });

    new CfnOutput(this, 'PluginUrl', { value: this.pluginApi.url, description: 'Plugin WebSocket URL' });
    new CfnOutput(this, 'RestApiUrl', {
      value: this.restApi.api.apiEndpoint,
      description: 'REST API base URL',
    });
    new CfnOutput(this, 'DashboardWsUrl', {
      value: this.dashboardApi.stage.url,
      description: 'Dashboard WebSocket URL',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DlqReplayFunction', { value: dlqReplay.functionName });
    new CfnOutput(this, 'LogAddressUrl', {
      value: `${this.restApi.api.apiEndpoint}/v1/logs/<serverId>/<token>`,
      description: 'CS2: logaddress_add_http "<this URL>" with the server id and token',
    });
    new CfnOutput(this, 'StatsAggregationFunction', { value: statsAggregation.functionName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: settings.alarmEmail
        ? `Alarms go to ${settings.alarmEmail} (confirm the subscription email)`
        : 'Alarms go to this SNS topic, which has NO subscriber: deploy with -c alarmEmail=you@example.com, or aws sns subscribe --topic-arn <this ARN> --protocol email --notification-endpoint you@example.com',
    });
  }
}
