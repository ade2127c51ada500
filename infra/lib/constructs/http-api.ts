import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { API_ROUTES, type RouteTarget } from '../../../functions/api/routes.ts';
import { accessLogSettings, HTTP_ACCESS_LOG_FIELDS } from './api-access-logs.ts';

export interface RestHttpApiProps {
  /** The function behind each route target: the REST API, plugin-free ingest. */
  handlers: Record<RouteTarget, lambda.IFunction>;
  apiName: string;
}

/**
 * The REST API on an HTTP API: one route per entry of `API_ROUTES` (the same list the functions
 * dispatch on), integrated with the function its `target` names. Admin routes are behind IAM
 * authorization (SigV4); the read routes are public; the ingest routes (`POST /v1/logs/…`,
 * `POST /v1/webhooks/…`) are open at the gateway, since a game server cannot sign a request, and
 * authenticated by the function with the server's token.
 */
export class RestHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;

  constructor(scope: Construct, id: string, props: RestHttpApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Geqo REST API (/v1)',
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [apigwv2.CorsHttpMethod.GET],
        allowHeaders: ['content-type'],
      },
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: accessLogSettings(this, 'AccessLogs', HTTP_ACCESS_LOG_FIELDS),
    });
    const integrations: Record<RouteTarget, HttpLambdaIntegration> = {
      api: new HttpLambdaIntegration('Api', props.handlers.api),
      'plain-ingest': new HttpLambdaIntegration('PlainIngest', props.handlers['plain-ingest']),
    };
    // The read routes are public by design (DESIGN.md); the ingest routes cannot be signed by a
    // game server and are authenticated by the function with the server's token.
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'admin routes use IAM authorization; read routes are public by design; log and webhook routes are authenticated by plain-ingest with the server token (a game server cannot sign)',
    });
    const admin = new HttpIamAuthorizer();
    for (const route of API_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations[route.target],
        ...(route.admin ? { authorizer: admin } : {}),
      });
    }
  }
}
