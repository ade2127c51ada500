import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { type AwsClientOptions, awsClientConfig } from '../aws-common/index.ts';

/**
 * A Management API client for one WebSocket API stage. `endpoint` is required: on AWS it is
 * `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`; locally, the HTTP port of
 * `geqo up`, which serves `POST /@connections/{id}` the same way.
 */
export function createApiGatewayManagementClient(
  options: AwsClientOptions & { endpoint: string },
): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient(awsClientConfig(options));
}
