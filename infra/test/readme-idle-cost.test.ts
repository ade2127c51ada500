/**
 * The idle-cost table of README.md ("Deploy to AWS") stays true to the templates: each row's
 * monthly figure is its unit price times its quantity, each total is the sum of its rows, the
 * alarm counts are the templates', and a profile has a NAT gateway, RDS Proxy, on-demand or
 * provisioned stream row exactly when its templates create one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

interface CostRow {
  profile: string;
  item: string;
  unitPrice: number | undefined;
  quantity: number | undefined;
  perMonth: number;
}

const money = (text: string) => Number(/\$([0-9.]+)/.exec(text)?.[1] ?? Number.NaN);

/** A quantity such as `730 h`, `0.5 × 730`, `38`; undefined for an estimate (`~1 GB`). */
function quantityOf(text: string): number | undefined {
  if (text.includes('~')) return undefined;
  const factors = text
    .replace(/ h$/, '')
    .split('×')
    .map((factor) => Number(factor.trim()));
  return factors.every((factor) => Number.isFinite(factor)) ? factors.reduce((a, b) => a * b, 1) : undefined;
}

function costRows(): CostRow[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return readme
    .split('\n')
    .filter((line) => /^\| (small|production) \|/.test(line))
    .map((line) => {
      const [profile = '', item = '', unit = '', quantity = '', perMonth = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        profile,
        item,
        unitPrice: unit === '' ? undefined : money(unit),
        quantity: quantityOf(quantity),
        perMonth: money(perMonth),
      };
    });
}

type Template = ReturnType<SynthesizedApp['data']['toJSON']>;

function resourcesOf(app: SynthesizedApp, type: string): { Properties?: Record<string, unknown> }[] {
  return [app.data.toJSON(), app.pipeline.toJSON()].flatMap((template: Template) =>
    Object.values(
      template.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
    ).filter((resource) => resource.Type === type),
  );
}

describe('README idle cost table', () => {
  const apps = new Map<string, SynthesizedApp>();

  beforeAll(() => {
    for (const profile of ['small', 'production']) apps.set(profile, synthApp({ profile }));
  }, SYNTH_TIMEOUT_MS * 2);

  afterAll(() => {
    for (const app of apps.values()) app.cleanup();
  });

  it('multiplies every row out and sums every total', () => {
    const rows = costRows();
    for (const profile of ['small', 'production']) {
      const ofProfile = rows.filter((row) => row.profile === profile);
      const total = ofProfile.find((row) => row.item === '**total**');
      const items = ofProfile.filter((row) => row !== total);
      expect(items.length).toBeGreaterThan(3);
      for (const row of items) {
        if (row.unitPrice !== undefined && row.quantity !== undefined)
          expect(row.unitPrice * row.quantity, `${profile}: ${row.item}`).toBeCloseTo(row.perMonth, 2);
      }
      expect(items.reduce((sum, row) => sum + row.perMonth, 0)).toBeCloseTo(total?.perMonth ?? 0, 2);
    }
  });

  it('has the rows and alarm counts of each profile’s templates', () => {
    const rows = costRows();
    for (const [profile, app] of apps) {
      const items = rows.filter((row) => row.profile === profile).map((row) => row.item);
      const has = (pattern: RegExp) => items.some((item) => pattern.test(item));
      expect(has(/^NAT gateway$/), `${profile}: NAT`).toBe(
        resourcesOf(app, 'AWS::EC2::NatGateway').length > 0,
      );
      expect(has(/^RDS Proxy/), `${profile}: RDS Proxy`).toBe(
        resourcesOf(app, 'AWS::RDS::DBProxy').length > 0,
      );
      const streams = resourcesOf(app, 'AWS::Kinesis::Stream');
      const modes = streams.map(
        (stream) => (stream.Properties?.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode,
      );
      expect(has(/^Kinesis on-demand streams$/), `${profile}: on demand`).toBe(modes.includes('ON_DEMAND'));
      expect(has(/^Kinesis provisioned shards/), `${profile}: provisioned`).toBe(
        modes.includes('PROVISIONED'),
      );
      const alarms = rows.find((row) => row.profile === profile && row.item === 'CloudWatch alarms');
      expect(alarms?.quantity, `${profile}: alarms`).toBe(resourcesOf(app, 'AWS::CloudWatch::Alarm').length);
      const shards = rows.find(
        (row) => row.profile === profile && /^Kinesis provisioned shards/.test(row.item),
      );
      if (shards) {
        const shardCount = streams.reduce(
          (sum, stream) => sum + Number(stream.Properties?.ShardCount ?? 0),
          0,
        );
        expect(shards.quantity).toBe(shardCount * 730);
      }
    }
  });
});
