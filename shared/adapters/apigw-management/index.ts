export { ApiGatewayConnectionSender, type PostToConnectionClient } from './api-gateway-connection-sender.ts';
export { createApiGatewayManagementClient } from './api-gateway-management-client.ts';
