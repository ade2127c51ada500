import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DashboardSite } from '../constructs/dashboard-site.ts';

export interface SiteStackProps extends StackProps {
  distFolder: string;
  apiUrl: string;
  dashboardWsUrl: string;
}

/** The dashboard's static site, told where the APIs are through `/config.json`. */
export class SiteStack extends Stack {
  readonly site: DashboardSite;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);
    this.site = new DashboardSite(this, 'Site', {
      distFolder: props.distFolder,
      runtimeConfig: { apiUrl: props.apiUrl, dashboardWsUrl: props.dashboardWsUrl },
    });
  }
}
