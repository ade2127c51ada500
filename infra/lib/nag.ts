import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag finding ids, as `Validations.of(construct).acknowledge({ id, reason })` takes them: the
 * plugin name, the rule, and for some rules the finding (each managed policy, each wildcard).
 */
export const nag = {
  rule: (rule: string) => `AwsSolutions::AwsSolutions-${rule}`,
  managedPolicy: (name: string) =>
    `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`,
  wildcardAction: (action: string) => `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
  wildcardResource: (resource: string) => `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
  /** `<LogicalId.Arn>` as cdk-nag writes a reference to a resource's ARN. */
  arnOf: (resource: IConstruct) => {
    const element = (resource.node.defaultChild ?? resource) as CfnElement;
    return `<${Stack.of(resource).getLogicalId(element)}.Arn>`;
  },
};

/** The acknowledgements of a CDK-made helper function (provider framework, singletons). */
export function cdkHelperFunctionFindings(reason: string): { id: string; reason: string }[] {
  return [
    {
      id: nag.managedPolicy('AWSLambdaBasicExecutionRole'),
      reason: `${reason}: AWSLambdaBasicExecutionRole, for its log group`,
    },
    { id: nag.rule('L1'), reason: `${reason}: the runtime is CDK's choice` },
  ];
}
