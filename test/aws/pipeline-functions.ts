/**
 * The Lambda functions of the pipeline, each built as its `handler.ts` composition root builds it
 * (its own clients and pool, the real adapters), but pointed at the local stand-ins and with
 * recording logs and metrics instead of CloudWatch's.
 */

import { makeHandler as makeBroadcaster } from '../../functions/broadcaster/make-handler.ts';
import { makeHandler as makeDashboardWs } from '../../functions/dashboard-ws/make-handler.ts';
import { makeHandler as makeIngest } from '../../functions/ingest/make-handler.ts';
import type { StreamBatchResponse, StreamEvent } from '../../functions/lib/stream-event.ts';
import type { WebSocketEvent, WebSocketResult } from '../../functions/lib/websocket.ts';
import { type LogLine, RecordingLogger, RecordingMetrics } from '../../functions/test/doubles.ts';
import { makeHandler as makeWorker } from '../../functions/worker/make-handler.ts';
import {
  ApiGatewayConnectionSender,
  createApiGatewayManagementClient,
} from '../../shared/adapters/apigw-management/index.ts';
import { createKinesisClient, KinesisStreamProducer } from '../../shared/adapters/kinesis/index.ts';
import {
  createPool,
  PostgresConnectionRegistry,
  PostgresEventStore,
} from '../../shared/adapters/postgres/index.ts';
import { createSqsClient, SqsDeadLetterSink } from '../../shared/adapters/sqs/index.ts';
import { Broadcaster } from '../../shared/app/broadcast/index.ts';
import { FrameIngestor } from '../../shared/app/ingest/index.ts';
import { GameEventWorker, matchEngineDriver } from '../../shared/app/worker/index.ts';
import { FlakyEventStore } from './flaky-event-store.ts';

/** Where the functions' clients point: the stand-ins and what the test created on them. */
export interface PipelineEndpoints {
  region: string;
  kinesisEndpoint: string;
  sqsEndpoint: string;
  databaseUrl: string;
  /** The Management API endpoint: `geqo up`'s HTTP port, which serves `POST /@connections/{id}`. */
  dashboardEndpoint: string;
  rawStream: string;
  processedStream: string;
  deadLetterQueueUrl: string;
}

export interface PipelineFunctions {
  ingest(event: WebSocketEvent): Promise<WebSocketResult>;
  worker(event: StreamEvent): Promise<StreamBatchResponse>;
  broadcaster(event: StreamEvent): Promise<StreamBatchResponse>;
  dashboardWs(event: WebSocketEvent): Promise<WebSocketResult>;
  /** The worker's event store, to make commits fail. */
  workerStore: FlakyEventStore;
  /** Every function's log lines, each with its `function` name. */
  logs: readonly LogLine[];
  /** Closes every client and pool, as the end of the functions' execution environments would. */
  close(): Promise<void>;
}

export function buildPipelineFunctions(endpoints: PipelineEndpoints): PipelineFunctions {
  const { region } = endpoints;
  const lines: LogLine[] = [];
  const observability = (name: string) => ({
    logger: new RecordingLogger(lines, { function: name }),
    metrics: new RecordingMetrics(),
  });
  const closers: (() => Promise<void> | void)[] = [];
  const pool = (name: string) => {
    const created = createPool(endpoints.databaseUrl, { max: 2, applicationName: `geqo-${name}` });
    closers.push(() => created.end());
    return created;
  };
  const kinesisProducer = () => {
    const client = createKinesisClient({ region, endpoint: endpoints.kinesisEndpoint });
    const producer = new KinesisStreamProducer(client);
    closers.push(async () => {
      await producer.close();
      client.destroy();
    });
    return producer;
  };

  const ingestObs = observability('ingest');
  const ingest = makeIngest({
    ingestor: new FrameIngestor({ producer: kinesisProducer(), stream: endpoints.rawStream, ...ingestObs }),
    ...ingestObs,
  });

  const workerObs = observability('worker');
  const sqs = createSqsClient({ region, endpoint: endpoints.sqsEndpoint });
  closers.push(() => sqs.destroy());
  const workerStore = new FlakyEventStore(new PostgresEventStore(pool('worker')));
  const worker = makeWorker({
    worker: new GameEventWorker({
      store: workerStore,
      engine: matchEngineDriver,
      ...workerObs,
      processed: { producer: kinesisProducer(), stream: endpoints.processedStream },
      deadLetters: new SqsDeadLetterSink(sqs, endpoints.deadLetterQueueUrl),
      // As on Lambda: another instance may have moved a server on since the last batch.
      cacheStates: false,
    }),
    ...workerObs,
  });

  const broadcasterObs = observability('broadcaster');
  const management = createApiGatewayManagementClient({ region, endpoint: endpoints.dashboardEndpoint });
  closers.push(() => management.destroy());
  const broadcaster = makeBroadcaster({
    broadcaster: new Broadcaster({
      registry: new PostgresConnectionRegistry(pool('broadcaster')),
      sender: new ApiGatewayConnectionSender(management),
      ...broadcasterObs,
    }),
    ...broadcasterObs,
  });

  const dashboardWs = makeDashboardWs({
    registry: new PostgresConnectionRegistry(pool('dashboard-ws')),
    ...observability('dashboard-ws'),
  });

  return {
    ingest,
    worker,
    broadcaster,
    dashboardWs,
    workerStore,
    logs: lines,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
