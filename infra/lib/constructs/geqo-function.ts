import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { nag } from '../nag.ts';
import { functionEntry, REPO_ROOT } from '../paths.ts';

/** Where a function runs when it must reach something inside the VPC (the database proxy, MSK). */
export interface VpcPlacement {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroups: ec2.ISecurityGroup[];
}

export interface GeqoFunctionProps {
  /** The folder under `functions/`: `worker`, `ingest`… */
  name: string;
  description: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  vpc?: VpcPlacement;
  logLevel: string;
  /** X-Ray active tracing: on for the hot path (ingest, worker, broadcaster, plain ingest). */
  tracing?: boolean;
  /** A cap (and reservation) where a runaway would hurt: ingest floods the stream, the worker the database. */
  reservedConcurrentExecutions?: number;
}

/**
 * ESM bundles need `require` for the CommonJS packages inside them (`pg` requires Node builtins);
 * esbuild's shim uses it when it exists.
 */
const REQUIRE_SHIM =
  "import { createRequire as __geqoCreateRequire } from 'node:module'; const require = __geqoCreateRequire(import.meta.url);";

/** The template metadata key that names a function's folder under `functions/`. */
export const GEQO_FUNCTION_METADATA = 'geqo:function';

/**
 * Every Geqo Lambda: `functions/<name>/handler.ts` bundled by the local esbuild (minified ESM
 * with source maps, AWS SDK v3 left to the runtime), Node 22 on ARM64, JSON logs kept a month.
 */
export class GeqoFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: GeqoFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: functionEntry(props.name),
      handler: 'handler',
      description: props.description,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      ...(props.tracing ? { tracing: lambda.Tracing.ACTIVE } : {}),
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        // The SDK is in the runtime; pg's optional native binding is never used.
        externalModules: ['@aws-sdk/*', 'pg-native'],
        // The Kafka client's WebAssembly helpers read `../dist/native.wasm` beside their own file,
        // which a bundle does not have; their `bundled` entry inlines the module instead.
        esbuildArgs: { '--alias:@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
      },
      ...(props.vpc
        ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets, securityGroups: props.vpc.securityGroups }
        : {}),
    });
    // Which `functions/<name>` folder the code is, for tools that read the template without the
    // bundled assets (the local deploy of test/aws runs that folder's bundle).
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(GEQO_FUNCTION_METADATA, props.name);
    // cdk-nag (AwsSolutions), what every Geqo function accepts and why:
    Validations.of(this).acknowledge(
      ...['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole', 'AWSLambdaMSKExecutionRole'].map(
        (policy) => ({
          id: nag.managedPolicy(policy),
          reason: `${policy} is AWS's minimal policy for what Lambda itself does (its log group, ENIs in the VPC, the MSK pollers); the function's own grants are least privilege`,
        }),
      ),
      {
        id: nag.rule('L1'),
        reason:
          'Node.js 22 is the runtime the bundles target (esbuild target node22) and the tests run on; moving to a newer runtime is a deliberate, tested upgrade',
      },
    );
    if (props.tracing) {
      Validations.of(this).acknowledge({
        id: nag.wildcardResource('*'),
        reason: 'X-Ray active tracing: xray:PutTraceSegments and PutTelemetryRecords take no resource but *',
      });
    }
  }
}
