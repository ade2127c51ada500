import { CustomResource, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ManagedKafkaEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { cdkHelperFunctionFindings, nag } from '../nag.ts';
import {
  type ConsumerSettings,
  type EventStreams,
  PROCESSED_STREAM,
  RAW_STREAM,
  type StreamName,
} from './event-streams.ts';
import { GeqoFunction, type VpcPlacement } from './geqo-function.ts';
import type { Network } from './network.ts';
import type { Watch } from './pipeline-alarms.ts';

/**
 * Partitions per topic: the most consumers that can read it at once (one per partition; a server's
 * frames stay in order on its partition). MSK Serverless bills each partition by the hour.
 */
export const TOPIC_PARTITIONS: Record<StreamName, number> = {
  [RAW_STREAM]: 6,
  [PROCESSED_STREAM]: 3,
};

export interface MskEventStreamsProps {
  network: Network;
  logLevel: string;
  /** The cluster's name, per stage. */
  clusterName: string;
  /** The topics' names, per stage. */
  names: Record<StreamName, string>;
}

/**
 * The two streams as topics of an MSK Serverless cluster (IAM auth only, port 9098). Topic names
 * match the Kinesis stream names. MSK Serverless does not create topics on first use: a custom
 * resource (functions/kafka-topics, the Kafka adapter's admin client) creates them with their
 * partition counts, and every producer and consumer function waits for it.
 */
export class MskEventStreams extends Construct implements EventStreams {
  readonly engine = 'msk' as const;
  readonly names: Record<StreamName, string>;
  readonly cluster: msk.CfnServerlessCluster;
  readonly securityGroup: ec2.SecurityGroup;
  readonly producerEnvironment: Record<string, string>;
  readonly producerPlacement: VpcPlacement;
  /** The topics, created: functions that use them depend on it. */
  readonly topics: CustomResource;

  constructor(scope: Construct, id: string, props: MskEventStreamsProps) {
    super(scope, id);
    this.names = props.names;
    const { vpc, functionSecurityGroup } = props.network;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc, description: 'MSK Serverless' });
    this.securityGroup.addIngressRule(functionSecurityGroup, ec2.Port.tcp(9098), 'functions (IAM auth)');
    // The event source mapping's pollers use the cluster's own security group.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(9098), 'event source mapping pollers');
    this.cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        {
          subnetIds: vpc.selectSubnets(props.network.functionSubnets).subnetIds,
          securityGroups: [this.securityGroup.securityGroupId],
        },
      ],
    });
    // Bootstrap brokers are not a CloudFormation attribute of a serverless cluster: ask MSK at deploy time.
    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.cluster.attrArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.cluster.attrArn),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.cluster.attrArn] }),
      installLatestAwsSdk: false,
    });
    // The AwsCustomResource's function is a singleton at the stack's root.
    const singleton = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (singleton) {
      Validations.of(singleton).acknowledge(...cdkHelperFunctionFindings("CDK's AwsCustomResource function"));
    }
    this.producerEnvironment = {
      STREAM_ENGINE: 'kafka',
      KAFKA_BROKERS: brokers.getResponseField('BootstrapBrokerStringSaslIam'),
      KAFKA_IAM_AUTH: 'true',
    };
    this.producerPlacement = {
      vpc,
      subnets: props.network.functionSubnets,
      securityGroups: [functionSecurityGroup],
    };
    const topicsFunction = new GeqoFunction(this, 'TopicsFunction', {
      name: 'kafka-topics',
      description:
        'Geqo: creates the MSK topics with their partition counts (CloudFormation custom resource)',
      environment: {
        KAFKA_BROKERS: this.producerEnvironment.KAFKA_BROKERS ?? '',
        KAFKA_IAM_AUTH: 'true',
        KAFKA_TOPICS: (Object.keys(TOPIC_PARTITIONS) as StreamName[])
          .map((stream) => `${this.names[stream]}:${TOPIC_PARTITIONS[stream]}`)
          .join(','),
      },
      timeout: Duration.minutes(2),
      logLevel: props.logLevel,
      vpc: this.producerPlacement,
    });
    topicsFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [this.cluster.attrArn] }),
    );
    topicsFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
        resources: Object.values(this.names).map((topic) => this.resourceArn('topic', topic)),
      }),
    );
    const provider = new cr.Provider(this, 'TopicsProvider', { onEventHandler: topicsFunction });
    Validations.of(provider).acknowledge(
      ...cdkHelperFunctionFindings("CDK's custom resource provider framework"),
      {
        id: nag.wildcardResource(`${nag.arnOf(topicsFunction)}:*`),
        reason: "CDK's provider framework may invoke any version of its handler function",
      },
    );
    this.topics = new CustomResource(this, 'Topics', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GeqoKafkaTopics',
      properties: { topics: TOPIC_PARTITIONS, names: this.names },
    });
  }

  /** `arn:…:cluster/<name>/<uuid>` -> `arn:…:<kind>/<name>/<uuid>/<resource>`, for kafka-cluster IAM actions. */
  private resourceArn(kind: 'topic' | 'group', resource: string): string {
    const parts = Fn.split('/', this.cluster.attrArn, 3);
    const stack = Stack.of(this);
    return `arn:${stack.partition}:kafka:${stack.region}:${stack.account}:${kind}/${Fn.select(1, parts)}/${Fn.select(2, parts)}/${resource}`;
  }

  grantWrite(producer: lambda.IFunction, topic: StreamName): void {
    producer.node.addDependency(this.topics);
    producer.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [this.cluster.attrArn] }),
    );
    producer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [this.resourceArn('topic', this.names[topic])],
      }),
    );
  }

  consume(consumer: lambda.IFunction, topic: StreamName, settings: ConsumerSettings): void {
    consumer.node.addDependency(this.topics);
    consumer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
        resources: [this.cluster.attrArn],
      }),
    );
    consumer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: [this.resourceArn('topic', this.names[topic])],
      }),
    );
    consumer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resources: [this.resourceArn('group', settings.consumerGroup)],
      }),
    );
    // The mapping's pollers attach to the cluster's subnets with the function's role.
    consumer.role?.addManagedPolicy(
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
    );
    consumer.addEventSource(
      new ManagedKafkaEventSource({
        clusterArn: this.cluster.attrArn,
        topic: this.names[topic],
        consumerGroupId: settings.consumerGroup,
        startingPosition:
          settings.startFrom === 'oldest'
            ? lambda.StartingPosition.TRIM_HORIZON
            : lambda.StartingPosition.LATEST,
        batchSize: settings.batchSize,
        maxBatchingWindow: settings.maxBatchingWindow,
        // Retries, bisecting and partial batch responses need provisioned pollers on Kafka.
        provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 4 },
        retryAttempts: settings.retryAttempts,
        maxRecordAge: settings.maxRecordAge,
        bisectBatchOnError: settings.bisectBatchOnError,
        reportBatchItemFailures: true,
        ...(settings.onFailure ? { onFailure: settings.onFailure } : {}),
      }),
    );
  }

  putFailures(): Watch[] {
    return [];
  }

  consumerLag(consumer: lambda.IFunction) {
    return {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'OffsetLag',
        dimensionsMap: { FunctionName: consumer.functionName },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: 10_000,
      unit: 'records',
    };
  }
}
