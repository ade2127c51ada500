import type { MigrationReport } from '@geqo/shared/adapters/postgres';
import type { Logger } from '@geqo/shared/ports';

/** The CloudFormation custom resource event, as the CDK provider framework passes it on. */
export interface MigrationsResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties?: Record<string, unknown>;
}

export interface MigrationsResourceResult {
  PhysicalResourceId: string;
  Data?: Record<string, string | number>;
}

export interface MigrateDeps {
  migrate: () => Promise<MigrationReport>;
  logger: Logger;
}

const PHYSICAL_ID = 'geqo-schema';

/**
 * The database migrations as a CloudFormation custom resource: every deploy that changes the
 * migrations (the resource carries their version) runs `migrate`, which applies what is missing
 * under an advisory lock. A failure fails the deploy, which rolls back. Deleting the stack leaves
 * the schema alone: data is never dropped by a deploy.
 */
export function makeHandler({ migrate, logger }: MigrateDeps) {
  return async (event: MigrationsResourceEvent): Promise<MigrationsResourceResult> => {
    if (event.RequestType === 'Delete') {
      logger.info('migrations resource deleted; the schema is kept');
      return { PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID };
    }
    const report = await migrate();
    logger.info('migrations applied', {
      applied: report.applied.map((m) => `${m.version} ${m.name}`),
      current: report.current,
      timescale: report.capabilities.timescale,
    });
    return {
      PhysicalResourceId: PHYSICAL_ID,
      Data: { current: report.current, applied: report.applied.length },
    };
  };
}
