/**
 * What a local deploy needs to know, read from the CloudFormation templates `cdk synth` produced
 * (no I/O here): the functions (their `functions/<name>` folder, handler, timeout, environment),
 * the WebSocket APIs (routes, integrations, the `$connect` authorizer, route responses), the HTTP
 * API routes, the Kinesis streams, the SQS queues, the event source mappings with all their
 * settings, and the custom resources. Values in the templates (`Ref`, `Fn::GetAtt`,
 * `Fn::ImportValue`, `Fn::Join`, `Fn::Sub`…) are resolved by {@link TemplateResolver} against
 * the local stand-ins' values; a reference it cannot resolve throws, naming where it was.
 */
import { GEQO_FUNCTION_METADATA } from '../../infra/lib/constructs/geqo-function.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** One stack of the app: its deployed name (`geqo-dev-pipeline`) and template. */
export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
}

/** A resource of a stack. */
export interface ResourceId {
  stack: string;
  logicalId: string;
}

export const keyOf = (id: ResourceId) => `${id.stack}/${id.logicalId}`;

export class UnresolvableReferenceError extends Error {
  constructor(where: string, value: unknown, why: string) {
    super(`${where}: cannot resolve ${JSON.stringify(value)}: ${why}`);
    this.name = 'UnresolvableReferenceError';
  }
}

export class TemplateShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateShapeError';
  }
}

/**
 * The value of `Ref` or of an attribute of a resource in the local deploy (a stream's name, a
 * queue's URL, a cluster's endpoint…), or undefined when the deploy has none for it.
 */
export type LocalValue = (
  id: ResourceId,
  resource: CfnResource,
  attribute: 'Ref' | (string & {}),
) => string | undefined;

export const ACCOUNT = '000000000000';

/** Resolves template values across the app's stacks (exports included). */
export class TemplateResolver {
  private readonly stacks = new Map<string, CfnTemplate>();
  private exports: Map<string, { stack: string; value: unknown }> | undefined;

  constructor(
    stacks: readonly StackTemplate[],
    private readonly local: LocalValue,
    private readonly region: string,
  ) {
    for (const { stackName, template } of stacks) this.stacks.set(stackName, template);
  }

  /** Every resource of a stack, by logical id. */
  resources(stack: string): Record<string, CfnResource> {
    return this.stacks.get(stack)?.Resources ?? {};
  }

  resource(id: ResourceId): CfnResource {
    const found = this.stacks.get(id.stack)?.Resources[id.logicalId];
    if (!found) throw new TemplateShapeError(`${id.stack} has no resource ${id.logicalId}`);
    return found;
  }

  /** `value` with every intrinsic function resolved; `where` names it in errors. */
  resolve(stack: string, value: unknown, where: string): unknown {
    if (Array.isArray(value))
      return value.map((item, index) => this.resolve(stack, item, `${where}[${index}]`));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(stack, first[0], first[1], where);
    }
    return Object.fromEntries(
      entries.map(([key, item]) => [key, this.resolve(stack, item, `${where}.${key}`)]),
    );
  }

  /** Like {@link resolve}, for a value that must come out as a string. */
  resolveString(stack: string, value: unknown, where: string): string {
    const resolved = this.resolve(stack, value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableReferenceError(where, value, 'not a string');
  }

  private intrinsic(stack: string, name: string, argument: unknown, where: string): unknown {
    const fail = (why: string): never => {
      throw new UnresolvableReferenceError(where, { [name]: argument }, why);
    };
    switch (name) {
      case 'Ref': {
        if (typeof argument !== 'string') return fail('Ref takes a name');
        const pseudo = this.pseudo(stack, argument);
        if (pseudo !== undefined) return pseudo;
        return this.attribute({ stack, logicalId: argument }, 'Ref', where);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument)
          ? argument
          : typeof argument === 'string'
            ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
            : [];
        if (typeof logicalId !== 'string' || typeof attribute !== 'string') return fail('bad Fn::GetAtt');
        return this.attribute({ stack, logicalId }, attribute, where);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolveString(stack, argument, where);
        const found = this.exportsByName().get(exportName);
        if (!found) return fail(`no stack exports ${exportName}`);
        return this.resolve(found.stack, found.value, `${found.stack} export ${exportName}`);
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || argument.length !== 2) return fail('bad Fn::Join');
        const [separator, parts] = argument as [unknown, unknown];
        const resolved = this.resolve(stack, parts, where);
        if (typeof separator !== 'string' || !Array.isArray(resolved)) return fail('bad Fn::Join');
        return resolved
          .map((part) => (typeof part === 'string' ? part : fail('a part is not a string')))
          .join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        if (typeof text !== 'string') return fail('bad Fn::Sub');
        const given = this.resolve(stack, variables ?? {}, where) as Record<string, unknown>;
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_whole, variable: string) => {
          const value = given[variable];
          if (typeof value === 'string') return value;
          if (variable.includes('.') && !variable.startsWith('AWS::')) {
            const dot = variable.indexOf('.');
            return this.resolveString(
              stack,
              { 'Fn::GetAtt': [variable.slice(0, dot), variable.slice(dot + 1)] },
              where,
            );
          }
          return this.resolveString(stack, { Ref: variable }, where);
        });
      }
      case 'Fn::Select': {
        const [index, list] = Array.isArray(argument) ? argument : [];
        const resolved = this.resolve(stack, list, where);
        if (!Array.isArray(resolved)) return fail('bad Fn::Select');
        const item = resolved[Number(this.resolve(stack, index, where))];
        return item === undefined ? fail('index out of range') : item;
      }
      case 'Fn::Split': {
        const [separator, text] = Array.isArray(argument) ? argument : [];
        if (typeof separator !== 'string') return fail('bad Fn::Split');
        return this.resolveString(stack, text, where).split(separator);
      }
      default:
        return fail(`${name} is not supported by the local deploy`);
    }
  }

  private pseudo(stack: string, name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.region}:${ACCOUNT}:stack/${stack}/local`;
      default:
        return undefined;
    }
  }

  private attribute(id: ResourceId, attribute: string, where: string): string {
    const resource = this.stacks.get(id.stack)?.Resources[id.logicalId];
    const reference =
      attribute === 'Ref' ? { Ref: id.logicalId } : { 'Fn::GetAtt': [id.logicalId, attribute] };
    if (!resource) throw new UnresolvableReferenceError(where, reference, `${id.stack} has no such resource`);
    const value = this.local(id, resource, attribute);
    if (value === undefined) {
      throw new UnresolvableReferenceError(
        where,
        reference,
        `the local deploy has no value for a ${resource.Type}`,
      );
    }
    return value;
  }

  private exportsByName(): Map<string, { stack: string; value: unknown }> {
    if (!this.exports) {
      this.exports = new Map();
      for (const [stack, template] of this.stacks) {
        for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
          if (!output.Export) continue;
          const name = this.resolveString(stack, output.Export.Name, `${stack} output ${outputId}`);
          this.exports.set(name, { stack, value: output.Value });
        }
      }
    }
    return this.exports;
  }
}

// ---------------------------------------------------------------------------------------------
// The deployment model

export interface FunctionSpec extends ResourceId {
  /** The folder under `functions/` (template metadata `geqo:function`). */
  folder: string;
  /** `index.handler` -> `handler`. */
  exportName: string;
  timeoutSeconds: number;
  /** As in the template, unresolved. */
  environment: Record<string, unknown>;
}

export interface WebSocketRouteSpec {
  routeKey: string;
  /** The function the integration invokes. */
  target: string;
  authorizationType: string;
  /** The function of the route's authorizer (CUSTOM). */
  authorizer?: { target: string; identitySource: string[] };
  routeResponse: boolean;
}

export interface WebSocketApiSpec extends ResourceId {
  name: string;
  stage: string;
  routeSelectionExpression: string;
  routes: WebSocketRouteSpec[];
}

export interface HttpRouteSpec {
  routeKey: string;
  target: string;
  authorizationType: string;
  payloadFormatVersion: string;
}

export interface HttpApiSpec extends ResourceId {
  name: string;
  routes: HttpRouteSpec[];
}

export interface StreamSpec extends ResourceId {
  name: string;
  shardCount: number;
}

export interface QueueSpec extends ResourceId {
  name: string;
}

/** Every setting of a Kinesis event source mapping, with AWS's defaults where the template has none. */
export interface EventSourceMappingSpec extends ResourceId {
  target: string;
  /** The stream resource (key). */
  source: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  parallelizationFactor: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** The on-failure destination's queue (key), if any. */
  onFailure?: string;
}

export interface CustomResourceSpec extends ResourceId {
  type: string;
  /** The provider framework's user function (`USER_ON_EVENT_FUNCTION_ARN`), else the service token's. */
  target: string;
  /** Resolved, without `ServiceToken`. */
  properties: Record<string, unknown>;
  dependsOn: string[];
}

export interface TemplateDeployment {
  /** By key (`stack/logicalId`). */
  functions: Map<string, FunctionSpec>;
  webSocketApis: WebSocketApiSpec[];
  httpApis: HttpApiSpec[];
  streams: StreamSpec[];
  queues: QueueSpec[];
  mappings: EventSourceMappingSpec[];
  customResources: CustomResourceSpec[];
}

/** The function (key) a Lambda ARN names; see {@link functionArn}. */
function functionOfArn(arn: string, where: string): string {
  const name = /:function:([^:/]+)/.exec(arn)?.[1];
  if (!name) throw new TemplateShapeError(`${where}: ${arn} is not a Lambda function ARN`);
  const slash = name.indexOf('.');
  return `${name.slice(0, slash)}/${name.slice(slash + 1)}`;
}

/** The local ARN of a function: its name is `<stack>.<logicalId>`, so the ARN leads back to it. */
export function functionArn(id: ResourceId, region: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT}:function:${id.stack}.${id.logicalId}`;
}

const asString = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);
const asNumber = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);

/** Reads the deployment out of the templates, resolving what it must to see the wiring. */
export function readDeployment(
  stacks: readonly StackTemplate[],
  resolver: TemplateResolver,
): TemplateDeployment {
  const deployment: TemplateDeployment = {
    functions: new Map(),
    webSocketApis: [],
    httpApis: [],
    streams: [],
    queues: [],
    mappings: [],
    customResources: [],
  };
  const each = function* (type: string) {
    for (const { stackName, template } of stacks) {
      for (const [logicalId, resource] of Object.entries(template.Resources)) {
        if (resource.Type === type)
          yield { id: { stack: stackName, logicalId }, resource, props: resource.Properties ?? {} };
      }
    }
  };
  const targetOf = (stack: string, uri: unknown, where: string) =>
    functionOfArn(resolver.resolveString(stack, uri, where), where);

  for (const { id, resource, props } of each('AWS::Lambda::Function')) {
    const folder = resource.Metadata?.[GEQO_FUNCTION_METADATA];
    // Functions CDK adds itself (custom resource providers) are emulated, not run.
    if (typeof folder !== 'string') continue;
    const handler = asString(props.Handler);
    deployment.functions.set(keyOf(id), {
      ...id,
      folder,
      exportName: handler.slice(handler.lastIndexOf('.') + 1),
      timeoutSeconds: asNumber(props.Timeout, 3),
      environment:
        (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    });
  }
  for (const { id, props } of each('AWS::Kinesis::Stream')) {
    deployment.streams.push({
      ...id,
      name: asString(props.Name, id.logicalId),
      shardCount: asNumber(props.ShardCount, 1),
    });
  }
  for (const { id, props } of each('AWS::SQS::Queue')) {
    deployment.queues.push({ ...id, name: asString(props.QueueName, id.logicalId) });
  }

  // APIs: routes point at integrations (`integrations/<id>`), integrations at function ARNs.
  const integrations = new Map<string, { target: string; payloadFormatVersion: string }>();
  for (const { id, props } of each('AWS::ApiGatewayV2::Integration')) {
    const where = `${id.stack} ${id.logicalId}.IntegrationUri`;
    integrations.set(keyOf(id), {
      target: targetOf(id.stack, props.IntegrationUri, where),
      payloadFormatVersion: asString(props.PayloadFormatVersion, '1.0'),
    });
  }
  const authorizers = new Map<string, { target: string; identitySource: string[] }>();
  for (const { id, props } of each('AWS::ApiGatewayV2::Authorizer')) {
    const where = `${id.stack} ${id.logicalId}.AuthorizerUri`;
    authorizers.set(keyOf(id), {
      target: targetOf(id.stack, props.AuthorizerUri, where),
      identitySource: Array.isArray(props.IdentitySource) ? props.IdentitySource.map(String) : [],
    });
  }
  const withResponse = new Set<string>();
  for (const { id, props } of each('AWS::ApiGatewayV2::RouteResponse')) {
    withResponse.add(`${id.stack}/${(props.RouteId as { Ref?: string } | undefined)?.Ref ?? ''}`);
  }
  const apiOf = (props: Record<string, unknown>) =>
    asString((props.ApiId as { Ref?: unknown } | undefined)?.Ref);
  const stages = new Map<string, string>();
  for (const { id, props } of each('AWS::ApiGatewayV2::Stage'))
    stages.set(`${id.stack}/${apiOf(props)}`, asString(props.StageName));
  const routesByApi = new Map<string, { id: ResourceId; props: Record<string, unknown> }[]>();
  for (const { id, props } of each('AWS::ApiGatewayV2::Route')) {
    const key = `${id.stack}/${apiOf(props)}`;
    routesByApi.set(key, [...(routesByApi.get(key) ?? []), { id, props }]);
  }
  const integrationOf = (stack: string, props: Record<string, unknown>, where: string) => {
    const target = resolver.resolveString(stack, props.Target, `${where}.Target`);
    const integration = integrations.get(`${stack}/${target.replace(/^integrations\//, '')}`);
    if (!integration) throw new TemplateShapeError(`${where}: its target ${target} is no Lambda integration`);
    return integration;
  };
  for (const { id, props } of each('AWS::ApiGatewayV2::Api')) {
    const routes = routesByApi.get(keyOf(id)) ?? [];
    const name = asString(props.Name, id.logicalId);
    if (props.ProtocolType === 'WEBSOCKET') {
      deployment.webSocketApis.push({
        ...id,
        name,
        stage: stages.get(keyOf(id)) ?? '$default',
        routeSelectionExpression: asString(props.RouteSelectionExpression),
        routes: routes.map(({ id: route, props: routeProps }) => {
          const where = `${route.stack} ${route.logicalId}`;
          const authorizerId = (routeProps.AuthorizerId as { Ref?: string } | undefined)?.Ref;
          const authorizer = authorizerId ? authorizers.get(`${route.stack}/${authorizerId}`) : undefined;
          return {
            routeKey: asString(routeProps.RouteKey),
            target: integrationOf(route.stack, routeProps, where).target,
            authorizationType: asString(routeProps.AuthorizationType, 'NONE'),
            ...(authorizer ? { authorizer } : {}),
            routeResponse: withResponse.has(keyOf(route)),
          };
        }),
      });
    } else {
      deployment.httpApis.push({
        ...id,
        name,
        routes: routes.map(({ id: route, props: routeProps }) => {
          const integration = integrationOf(route.stack, routeProps, `${route.stack} ${route.logicalId}`);
          return {
            routeKey: asString(routeProps.RouteKey),
            target: integration.target,
            authorizationType: asString(routeProps.AuthorizationType, 'NONE'),
            payloadFormatVersion: integration.payloadFormatVersion,
          };
        }),
      });
    }
  }

  for (const { id, props } of each('AWS::Lambda::EventSourceMapping')) {
    const where = `${id.stack} ${id.logicalId}`;
    const functionRef = (props.FunctionName as { Ref?: string } | undefined)?.Ref;
    const sourceRef = (props.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ]?.[0];
    if (!functionRef || !sourceRef)
      throw new TemplateShapeError(
        `${where}: FunctionName or EventSourceArn is not a reference to this stack`,
      );
    const destination = (props.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
      ?.OnFailure?.Destination as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const onFailure = destination?.['Fn::GetAtt']?.[0];
    deployment.mappings.push({
      ...id,
      target: `${id.stack}/${functionRef}`,
      source: `${id.stack}/${sourceRef}`,
      batchSize: asNumber(props.BatchSize, 100),
      maximumBatchingWindowInSeconds: asNumber(props.MaximumBatchingWindowInSeconds, 0),
      bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true,
      reportBatchItemFailures:
        Array.isArray(props.FunctionResponseTypes) &&
        props.FunctionResponseTypes.includes('ReportBatchItemFailures'),
      maximumRetryAttempts: asNumber(props.MaximumRetryAttempts, -1),
      maximumRecordAgeInSeconds: asNumber(props.MaximumRecordAgeInSeconds, -1),
      parallelizationFactor: asNumber(props.ParallelizationFactor, 1),
      startingPosition: props.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
      ...(onFailure ? { onFailure: `${id.stack}/${onFailure}` } : {}),
    });
  }

  for (const { stackName, template } of stacks) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (!resource.Type.startsWith('Custom::') && resource.Type !== 'AWS::CloudFormation::CustomResource')
        continue;
      // CDK's own helpers (default security group cleanup…) are not the app's.
      if (resource.Type === 'Custom::VpcRestrictDefaultSG') continue;
      const where = `${stackName} ${logicalId}`;
      const { ServiceToken, ...rest } = resource.Properties ?? {};
      let target = targetOf(stackName, ServiceToken, `${where}.ServiceToken`);
      // The CDK provider framework calls the user's function named in its environment.
      const provider = resolver.resource({
        stack: target.split('/')[0] ?? '',
        logicalId: target.split('/')[1] ?? '',
      });
      const userFunction = (
        provider.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined
      )?.Variables?.USER_ON_EVENT_FUNCTION_ARN;
      if (userFunction !== undefined)
        target = targetOf(target.split('/')[0] ?? '', userFunction, `${where} provider`);
      deployment.customResources.push({
        stack: stackName,
        logicalId,
        type: resource.Type,
        target,
        properties: resolver.resolve(stackName, rest, `${where}.Properties`) as Record<string, unknown>,
        dependsOn: [resource.DependsOn ?? []].flat(),
      });
    }
  }
  return deployment;
}

/** What the local deploy has for the resources its templates reference. */
export interface LocalFacts {
  region: string;
  /** The URL of the queue with this name. */
  queueUrl(name: string): string;
  /** Where the database answers (the host of the cluster's, the proxy's and the writer's endpoints). */
  databaseHost: string;
}

/** An API's id in the local deploy: its logical id, lower case (API Gateway ids are lower case). */
export const apiIdOf = (logicalId: string) => logicalId.toLowerCase();

/** The values of references to the resources a Geqo app has, from the local deploy's facts. */
export function localValues(facts: LocalFacts): LocalValue {
  const { region } = facts;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  return (id, resource, attribute) => {
    const props = resource.Properties ?? {};
    const named = (key: string) => (typeof props[key] === 'string' ? (props[key] as string) : id.logicalId);
    switch (resource.Type) {
      case 'AWS::Kinesis::Stream':
        if (attribute === 'Ref') return named('Name');
        if (attribute === 'Arn') return arn('kinesis', `stream/${named('Name')}`);
        return undefined;
      case 'AWS::SQS::Queue':
        if (attribute === 'Ref' || attribute === 'QueueUrl') return facts.queueUrl(named('QueueName'));
        if (attribute === 'Arn') return arn('sqs', named('QueueName'));
        if (attribute === 'QueueName') return named('QueueName');
        return undefined;
      case 'AWS::Lambda::Function':
        if (attribute === 'Ref') return `${id.stack}.${id.logicalId}`;
        if (attribute === 'Arn') return functionArn(id, region);
        return undefined;
      case 'AWS::ApiGatewayV2::Api': {
        const apiId = apiIdOf(id.logicalId);
        if (attribute === 'Ref' || attribute === 'ApiId') return apiId;
        const scheme = props.ProtocolType === 'WEBSOCKET' ? 'wss' : 'https';
        if (attribute === 'ApiEndpoint') return `${scheme}://${apiId}.execute-api.${region}.amazonaws.com`;
        return undefined;
      }
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
      case 'AWS::ApiGatewayV2::Authorizer':
      case 'AWS::ApiGatewayV2::Stage':
        return attribute === 'Ref' ? id.logicalId : undefined;
      case 'AWS::RDS::DBCluster':
        if (attribute === 'Endpoint.Address' || attribute === 'ReadEndpoint.Address')
          return facts.databaseHost;
        if (attribute === 'Endpoint.Port') return '5432';
        if (attribute === 'Ref') return id.logicalId.toLowerCase();
        if (attribute === 'DBClusterResourceId') return `cluster-${id.logicalId.toUpperCase()}`;
        if (attribute === 'DBClusterArn') return arn('rds', `cluster:${id.logicalId.toLowerCase()}`);
        return undefined;
      case 'AWS::RDS::DBProxy':
        if (attribute === 'Endpoint') return facts.databaseHost;
        if (attribute === 'DBProxyArn') return arn('rds', `db-proxy:${id.logicalId.toLowerCase()}`);
        if (attribute === 'Ref') return id.logicalId.toLowerCase();
        return undefined;
      case 'AWS::RDS::DBInstance':
        if (attribute === 'Endpoint.Address') return facts.databaseHost;
        if (attribute === 'Ref') return id.logicalId.toLowerCase();
        return undefined;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return attribute === 'Ref' ? arn('secretsmanager', `secret:${id.logicalId}`) : undefined;
      case 'AWS::SNS::Topic':
        if (attribute === 'Ref' || attribute === 'TopicArn') return arn('sns', named('TopicName'));
        return undefined;
      case 'AWS::Logs::LogGroup':
        if (attribute === 'Ref') return named('LogGroupName');
        if (attribute === 'Arn') return arn('logs', `log-group:${named('LogGroupName')}:*`);
        return undefined;
      case 'AWS::IAM::Role':
        if (attribute === 'Ref') return id.logicalId;
        if (attribute === 'Arn') return `arn:aws:iam::${ACCOUNT}:role/${id.logicalId}`;
        return undefined;
      default:
        return undefined;
    }
  };
}
