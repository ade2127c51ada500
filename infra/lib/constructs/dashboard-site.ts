import { existsSync } from 'node:fs';
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

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
    new CfnOutput(this, 'Url', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'Dashboard',
    });
  }
}
