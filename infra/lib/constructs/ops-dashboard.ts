import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../../functions/lib/observability.ts';
import type { EventStreams } from './event-streams.ts';

export interface OpsDashboardProps {
  functions: Record<string, lambda.IFunction>;
  consumers: Record<string, lambda.IFunction>;
  streams: EventStreams;
  queues: Record<string, sqs.IQueue>;
  alarms: cloudwatch.IAlarm[];
  /** Per stage: dashboard names are unique per account. */
  dashboardName: string;
}

/** A custom metric the functions write in the embedded metric format. */
const geqo = (name: string, fn: string, statistic = 'Sum') =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { function: fn },
    statistic,
    period: Duration.minutes(1),
  });

/** One page for an operator: the flow through the pipeline, its lag and its failures. */
export class OpsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const functions = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Flow (per minute)',
        width: 12,
        left: [
          geqo('ingest_frames', 'ingest'),
          geqo('log_bodies', 'plain-ingest'),
          geqo('worker_records', 'worker'),
          geqo('worker_events', 'worker'),
          geqo('broadcast_messages', 'broadcaster'),
          geqo('stats_aggregations', 'stats-aggregation'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Rejected and dead-lettered',
        width: 12,
        left: [
          geqo('ingest_frames_rejected', 'ingest'),
          geqo('worker_dead_letters', 'worker'),
          geqo('worker_sequence_gaps', 'worker'),
          geqo('plugin_connections_refused', 'ws-authorizer'),
          geqo('log_malformed_lines', 'plain-ingest'),
          geqo('stats_aggregation_failures', 'stats-aggregation'),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Consumer lag',
        width: 12,
        left: Object.values(props.consumers).map((fn) => props.streams.consumerLag(fn).metric),
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues (messages visible)',
        width: 12,
        left: Object.values(props.queues).map((q) => q.metricApproximateNumberOfMessagesVisible()),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Errors',
        width: 8,
        left: functions.map(([, fn]) => fn.metricErrors({ period: Duration.minutes(1) })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Throttles',
        width: 8,
        left: functions.map(([, fn]) => fn.metricThrottles({ period: Duration.minutes(1) })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Duration p99',
        width: 8,
        left: functions.map(([, fn]) => fn.metricDuration({ period: Duration.minutes(1), statistic: 'p99' })),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: props.alarms }),
    );
  }
}
