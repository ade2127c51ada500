import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IDependable } from 'constructs';
import { accessLogSettings, WEBSOCKET_ACCESS_LOG_FIELDS } from './api-access-logs.ts';

export interface DashboardWebSocketApiProps {
  routes: lambda.IFunction;
  apiName: string;
  /** API Gateway's account logging role, which a WebSocket stage's access logs need first. */
  logging: IDependable;
}

/**
 * The dashboards' WebSocket API: routes on `$request.body.action` (`subscribe`, `unsubscribe`),
 * every route on the dashboard-ws function, replies as route responses. The broadcaster posts to
 * connections through this API's Management API (its stage's callback URL).
 */
export class DashboardWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;

  constructor(scope: Construct, id: string, props: DashboardWebSocketApiProps) {
    super(scope, id);
    const integration = (name: string) => new WebSocketLambdaIntegration(name, props.routes);
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Geqo live dashboard updates',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: { integration: integration('Connect') },
      disconnectRouteOptions: { integration: integration('Disconnect') },
      defaultRouteOptions: { integration: integration('Unrouted'), returnResponse: true },
    });
    for (const action of ['subscribe', 'unsubscribe']) {
      this.api.addRoute(action, { integration: integration(action), returnResponse: true });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'dashboards read public live data (as the REST read routes); dashboard-ws checks each subscription itself',
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'v1',
      autoDeploy: true,
      accessLogSettings: accessLogSettings(this, 'AccessLogs', WEBSOCKET_ACCESS_LOG_FIELDS),
    });
    this.stage.node.addDependency(props.logging);
  }

  /** The Management API endpoint (`https://…/v1`) the broadcaster posts to. */
  get callbackUrl(): string {
    return this.stage.callbackUrl;
  }
}
