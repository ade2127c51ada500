import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IDependable } from 'constructs';
import { accessLogSettings, WEBSOCKET_ACCESS_LOG_FIELDS } from './api-access-logs.ts';

export interface PluginWebSocketApiProps {
  authorizer: lambda.IFunction;
  connect: lambda.IFunction;
  disconnect: lambda.IFunction;
  ingest: lambda.IFunction;
  apiName: string;
  /** API Gateway's account logging role, which a WebSocket stage's access logs need first. */
  logging: IDependable;
}

/**
 * The plugin protocol's WebSocket API (DESIGN.md section 3): `$connect` behind the REQUEST
 * authorizer, `$default` to ingest with the ack or error as the route response.
 */
export class PluginWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;

  constructor(scope: Construct, id: string, props: PluginWebSocketApiProps) {
    super(scope, id);
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Geqo plugin protocol v1: MessagePack frames as base64 text',
      connectRouteOptions: {
        integration: new WebSocketLambdaIntegration('Connect', props.connect),
        // No identity source: the token comes in the Authorization header or, as a fallback, in
        // `?token=`; with a required identity source API Gateway would refuse the other form
        // before the authorizer sees it.
        authorizer: new WebSocketLambdaAuthorizer('TokenAuthorizer', props.authorizer, {
          identitySource: [],
        }),
      },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('Disconnect', props.disconnect) },
      defaultRouteOptions: {
        integration: new WebSocketLambdaIntegration('Ingest', props.ingest),
        returnResponse: true,
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'a WebSocket API authorizes on $connect only (the token authorizer above); $default and $disconnect run on the authorized connection',
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'v1',
      autoDeploy: true,
      throttle: { rateLimit: 2_000, burstLimit: 5_000 },
      accessLogSettings: accessLogSettings(this, 'AccessLogs', WEBSOCKET_ACCESS_LOG_FIELDS),
    });
    this.stage.node.addDependency(props.logging);
  }

  /** `wss://…/v1`: what `geqo replay --url` and the plugin connect to. */
  get url(): string {
    return this.stage.url;
  }
}
