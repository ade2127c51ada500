import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../test/doubles.ts';
import { makeHandler } from './make-handler.ts';

const report = {
  applied: [{ version: 2, name: 'game-events' }],
  current: 2,
  capabilities: { timescale: false },
};

describe('migrate custom resource handler', () => {
  it('runs the migrations on create and update and reports the schema version', async () => {
    // Prepare
    let runs = 0;
    const handler = makeHandler({
      migrate: async () => {
        runs += 1;
        return report;
      },
      logger: new RecordingLogger(),
    });
    // Act
    const created = await handler({ RequestType: 'Create' });
    const updated = await handler({ RequestType: 'Update', PhysicalResourceId: 'geqo-schema' });
    // Assess
    expect(created).toEqual({ PhysicalResourceId: 'geqo-schema', Data: { current: 2, applied: 1 } });
    expect(updated.PhysicalResourceId).toBe('geqo-schema');
    expect(runs).toBe(2);
  });

  it('leaves the schema alone on delete', async () => {
    let runs = 0;
    const handler = makeHandler({
      migrate: async () => {
        runs += 1;
        return report;
      },
      logger: new RecordingLogger(),
    });
    const deleted = await handler({ RequestType: 'Delete', PhysicalResourceId: 'geqo-schema' });
    expect(deleted).toEqual({ PhysicalResourceId: 'geqo-schema' });
    expect(runs).toBe(0);
  });

  it('fails the deploy when a migration fails', async () => {
    const handler = makeHandler({
      migrate: async () => Promise.reject(new Error('migration 2 (game-events) failed')),
      logger: new RecordingLogger(),
    });
    await expect(handler({ RequestType: 'Update' })).rejects.toThrow('migration 2');
  });
});
