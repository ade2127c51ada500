import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AuroraDatabase, type DatabaseAccess, Migrations, UrlDatabase } from '../constructs/database.ts';
import { Network } from '../constructs/network.ts';
import type { GeqoSettings } from '../settings.ts';

export interface DataStackProps extends StackProps {
  settings: GeqoSettings;
}

/**
 * What outlives every deploy: the network and the database (Aurora Serverless v2 behind RDS
 * Proxy, or a given URL), with the schema migrated by a custom resource.
 */
export class DataStack extends Stack {
  readonly network: Network;
  readonly database: DatabaseAccess;
  readonly migrations: Migrations;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const production = props.settings.profile === 'production';
    this.network = new Network(this, 'Network', { privateFunctions: production });
    this.database = props.settings.databaseUrl
      ? new UrlDatabase(props.settings.databaseUrl)
      : new AuroraDatabase(this, 'Database', {
          network: this.network,
          production,
        });
    this.migrations = new Migrations(this, 'Migrations', {
      database: this.database,
      logLevel: props.settings.logLevel,
    });
  }
}
