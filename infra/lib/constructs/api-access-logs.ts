import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat, CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { nag } from '../nag.ts';

/**
 * The fields of an access log line. Only the route key (`POST /v1/logs/{serverId}/{token}`, a
 * template), never the path, the URL or the query string: a CS2 server's token is in its log
 * URL's path and a plugin may send its token as `?token=`.
 */
export const HTTP_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  sourceIp: '$context.identity.sourceIp',
} as const;

export const WEBSOCKET_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  error: '$context.error.message',
  integrationError: '$context.integration.error',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
} as const;

/** A log group kept a month and the access log settings of a stage that writes JSON lines to it. */
export function accessLogSettings(
  scope: Construct,
  id: string,
  fields: Record<string, string>,
): apigwv2.IAccessLogSettings {
  const logGroup = new logs.LogGroup(scope, id, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return {
    destination: new apigwv2.LogGroupLogDestination(logGroup),
    format: AccessLogFormat.custom(JSON.stringify(fields)),
  };
}

/**
 * API Gateway's account setting that lets WebSocket (and REST) stages write logs: a role it
 * assumes to push to CloudWatch Logs. One per account and region; a second stage sets the same
 * value again. HTTP APIs log without it.
 */
export class ApiGatewayLogsRole extends Construct {
  readonly account: CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    this.account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    Validations.of(role).acknowledge({
      id: nag.managedPolicy('AmazonAPIGatewayPushToCloudWatchLogs'),
      reason:
        "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's logging role",
    });
  }
}
