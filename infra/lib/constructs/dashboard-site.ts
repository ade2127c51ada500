import { existsSync } from 'node:fs';
import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { cdkHelperFunctionFindings, nag } from '../nag.ts';

export interface DashboardSiteProps {
  /** The built dashboard; a placeholder page is deployed when the folder does not exist. */
  distFolder: string;
  /** Written to `/config.json` so the static dashboard finds its APIs. */
  runtimeConfig: Record<string, string>;
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Geqo Observer</title></head>
<body><h1>Geqo Observer</h1><p>The dashboard has not been built: run <code>npm run build -w dashboard</code>
and deploy again. The APIs are listed in <a href="/config.json">config.json</a>.</p></body></html>`;

/** The dashboard as static files on a private S3 bucket behind CloudFront (origin access control). */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly usesPlaceholder: boolean;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Geqo Observer dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      // A single-page app: unknown paths get the app, which routes them itself.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
      })),
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'private bucket read only by CloudFront (origin access control); access logs would need a second bucket for a public static app',
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-CFR1', reason: 'a public dashboard: no geographic restriction' },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason: 'static files only, no WAF: the APIs behind it have their own throttling',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR3',
        reason: 'no CloudFront access logs for static files (a logging bucket and its cost for little value)',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'the default *.cloudfront.net certificate allows TLS 1.0 viewers; a custom domain (not configured here) would set TLSv1.2_2021',
      },
    );
    this.usesPlaceholder = !existsSync(props.distFolder);
    new s3deploy.BucketDeployment(this, 'Files', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        this.usesPlaceholder
          ? s3deploy.Source.data('index.html', PLACEHOLDER)
          : s3deploy.Source.asset(props.distFolder),
        s3deploy.Source.jsonData('config.json', props.runtimeConfig),
      ],
      prune: true,
    });
    // BucketDeployment's function (and the bucket's auto-delete handler) are singletons at the stack's root.
    for (const child of Stack.of(this).node.children) {
      if (!/^Custom::(CDKBucketDeployment|S3AutoDeleteObjects)/.test(child.node.id)) continue;
      const copies = "CDK's deployment helper copies the assets into the site bucket and prunes it";
      Validations.of(child).acknowledge(
        ...cdkHelperFunctionFindings("CDK's deployment helper"),
        ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
          id: nag.wildcardAction(action),
          reason: copies,
        })),
        { id: nag.wildcardResource(`${nag.arnOf(this.bucket)}/*`), reason: copies },
        { id: nag.wildcardResource('*'), reason: `${copies} (and invalidates the distribution)` },
        {
          id: nag.wildcardResource(
            'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
          ),
          reason: `${copies}, from CDK's asset bucket`,
        },
      );
    }
    const url = new CfnOutput(this, 'Url', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'Dashboard',
    });
    // A name a person can look for in the stack outputs (README, "Deploy to AWS"), not a hash.
    url.overrideLogicalId('DashboardUrl');
  }
}
