import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { API_ROUTES } from '../../../functions/api/routes.ts';

export interface RestHttpApiProps {
  handler: lambda.IFunction;
}

/**
 * The REST API on an HTTP API: one route per entry of `API_ROUTES` (the same list the function
 * dispatches on), admin routes behind IAM authorization (SigV4), the rest public read-only.
 * `POST /v1/logs/{serverId}/{token}` is the placeholder for CS2's HTTP log stream.
 */
export class RestHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: RestHttpApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: 'geqo-api',
      description: 'Geqo REST API (/v1)',
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [apigwv2.CorsHttpMethod.GET],
        allowHeaders: ['content-type'],
      },
    });
    const integration = new HttpLambdaIntegration('Api', props.handler);
    const admin = new HttpIamAuthorizer();
    for (const route of API_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
        ...(route.admin ? { authorizer: admin } : {}),
      });
    }
  }
}
