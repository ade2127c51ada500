import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface NetworkProps {
  /**
   * Production: NAT gateway and private subnets for the functions that must reach RDS Proxy or
   * MSK. Without (small profile): public subnets only, for Aurora alone; no function runs in the
   * VPC, so nothing needs a NAT gateway (about $33 a month before traffic) or interface endpoints.
   */
  privateFunctions: boolean;
}

/**
 * The VPC: two AZs, public subnets for the NAT gateway, private subnets with egress for the
 * functions that must reach the database proxy or MSK (and, through the NAT, Kinesis, SQS and
 * the API Gateway Management API), isolated subnets for Aurora. No lookups: the stack is
 * environment-agnostic and synthesizes offline.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** The functions inside the VPC. */
  readonly functionSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = props.privateFunctions
      ? new ec2.Vpc(this, 'Vpc', {
          maxAzs: 2,
          natGateways: 1,
          subnetConfiguration: [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
            { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
          ],
          gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
        })
      : new ec2.Vpc(this, 'Vpc', {
          maxAzs: 2,
          natGateways: 0,
          subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
        });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions::AwsSolutions-VPC7',
      reason:
        'no flow logs: their CloudWatch ingestion is a running cost the idle budget has no room for, and the VPC holds only Aurora (and, in production, the functions behind their security groups)',
    });
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Geqo functions inside the VPC',
      allowAllOutbound: true,
    });
  }

  get functionSubnets(): ec2.SubnetSelection {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }
}
