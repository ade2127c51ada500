import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventStreams } from './event-streams.ts';

/** One more thing to watch: an alarm when `metric` reaches `threshold` (at or above). */
export interface Watch {
  /** Construct id and alarm name suffix: `geqo-<stage>-<name>`. */
  name: string;
  description: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  /** Consecutive periods at or above the threshold before the alarm fires (default 1). */
  evaluationPeriods?: number;
}

export interface PipelineAlarmsProps {
  functions: Record<string, lambda.IFunction>;
  /** The stream consumers whose lag is watched. */
  consumers: Record<string, lambda.IFunction>;
  streams: EventStreams;
  /** Queues that should stay empty: any message is an operator's business. */
  queues: Record<string, sqs.IQueue>;
  alarmEmail?: string;
  /** `geqo-<stage>-`: alarm names are unique per account and region. */
  namePrefix: string;
  /** The APIs' 5xx and WebSocket errors, the database's health, the streams' put failures. */
  watches: Watch[];
}

/**
 * The alarms an operator needs: a consumer falling behind (iterator age / offset lag), dead
 * letters waiting, batches the event source mapping gave up on, function errors and throttles.
 * All go to one SNS topic.
 */
export class PipelineAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Geqo alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    for (const [name, consumer] of Object.entries(props.consumers)) {
      const lag = props.streams.consumerLag(consumer);
      add(
        lag.metric.createAlarm(this, `${name}Lag`, {
          alarmName: `${props.namePrefix}${name}-lag`,
          alarmDescription: `${name} is more than ${lag.threshold} ${lag.unit} behind its stream`,
          threshold: lag.threshold,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, queue] of Object.entries(props.queues)) {
      add(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
          .createAlarm(this, `${name}Depth`, {
            alarmName: `${props.namePrefix}${name}-depth`,
            alarmDescription: `${queue.queueName} holds messages: inspect, fix, then replay`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    for (const watch of props.watches) {
      add(
        new cloudwatch.Alarm(this, watch.name, {
          alarmName: `${props.namePrefix}${watch.name}`,
          alarmDescription: watch.description,
          metric: watch.metric,
          threshold: watch.threshold,
          evaluationPeriods: watch.evaluationPeriods ?? 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        fn
          .metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })
          .createAlarm(this, `${name}Errors`, {
            alarmName: `${props.namePrefix}${name}-errors`,
            alarmDescription: `${name} failed invocations`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
      add(
        fn
          .metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' })
          .createAlarm(this, `${name}Throttles`, {
            alarmName: `${props.namePrefix}${name}-throttles`,
            alarmDescription: `${name} invocations throttled`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
  }
}
