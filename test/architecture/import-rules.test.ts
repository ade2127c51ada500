/**
 * The dependency rule of the house (issue 15): each forbidden arrow between rooms is a Biome
 * `noRestrictedImports` override in biome.json. Each test puts a file with deliberate violations
 * at a real path of the importing room, lints it with the repository's own biome.json, and checks
 * that every forbidden import is reported with that arrow's message while the allowed imports
 * written beside them are not. The files are removed again whatever happens.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIOME = join(ROOT, 'node_modules/.bin/biome');
const FILE_NAME = `arrow-violation-${process.pid}.ts`;

interface Arrow {
  /** The room the file sits in (a folder of a real source path). */
  folder: string;
  /** The file's name when not {@link FILE_NAME}: a test file, or a second file in one folder. */
  fileName?: string;
  /** Imports the arrow forbids: each must be reported. */
  forbidden: string[];
  /** Imports the room may make: none may be reported. */
  allowed: string[];
  /** A part of the arrow's message. */
  message: string;
}

const ARROWS = {
  domain: {
    folder: 'shared/domain/match',
    forbidden: [
      '../../ports/index.ts',
      '@geqo/shared/ports',
      '../../app/queries/index.ts',
      '../../adapters/postgres/index.ts',
      '../../../local/src/config.ts',
      '../../../functions/lib/observability.ts',
      '@geqo/local',
      'node:child_process',
      'node:worker_threads',
      'node:fs/promises',
      'node:net',
      'pg',
      '@aws-sdk/client-sqs',
    ],
    allowed: ['../events/index.ts', '../../domain/stats/index.ts', 'msgpackr'],
    message: 'shared/domain',
  },
  ports: {
    folder: 'shared/ports',
    forbidden: [
      '../app/queries/index.ts',
      '../adapters/postgres/index.ts',
      '../../local/src/config.ts',
      'pg',
    ],
    allowed: ['../domain/match/index.ts', './event-store.ts'],
    message: 'shared/ports',
  },
  app: {
    folder: 'shared/app/worker',
    forbidden: [
      '../../adapters/postgres/index.ts',
      '@geqo/shared/adapters/postgres',
      '../../../local/src/config.ts',
      '../../../functions/lib/observability.ts',
      '../../../cli/src/main.ts',
      'pg',
      'ws',
      '@aws-sdk/client-kinesis',
    ],
    allowed: ['../../ports/index.ts', '../../domain/match/index.ts', '../broadcast/index.ts'],
    message: 'shared/app',
  },
  adapters: {
    folder: 'shared/adapters/memory',
    forbidden: [
      '../../app/servers/index.ts',
      '@geqo/shared/app/queries',
      '../../../local/src/config.ts',
      '../../../functions/lib/observability.ts',
      '@geqo/functions',
    ],
    allowed: ['../../ports/index.ts', '../../domain/codec/index.ts', '../postgres/index.ts', 'pg'],
    message: 'shared/adapters',
  },
  functionsToLocal: {
    folder: 'functions/lib',
    forbidden: ['../../local/src/config.ts', '@geqo/local', '@geqo/local/src/config.ts'],
    allowed: ['@geqo/shared/app/queries', '@geqo/shared/adapters/postgres', './observability.ts'],
    message: 'functions (the AWS wiring) may not import local',
  },
  localToFunctions: {
    folder: 'local/src',
    forbidden: ['../../functions/lib/observability.ts', '@geqo/functions'],
    allowed: ['@geqo/shared/app/queries', '@geqo/shared/adapters/postgres', './config.ts'],
    message: 'local (the geqo up wiring) may not import functions',
  },
  infra: {
    folder: 'infra/lib',
    forbidden: [
      '../../shared/app/queries/index.ts',
      '@geqo/shared/app/queries',
      '../../shared/domain/match/index.ts',
      '../../local/src/config.ts',
      '../../cli/src/main.ts',
    ],
    allowed: [
      '../../functions/api/routes.ts',
      '../../shared/adapters/postgres/migrations/index.ts',
      'aws-cdk-lib',
      './settings.ts',
    ],
    message: 'infra describes resources',
  },
  dashboard: {
    folder: 'dashboard/src',
    forbidden: [
      '@geqo/shared/app/worker',
      '../../shared/app/stats/index.ts',
      '@geqo/shared/adapters/postgres',
      '../../local/src/config.ts',
      '@geqo/functions',
      'node:fs',
      'node:fs/promises',
      'pg',
    ],
    allowed: [
      '@geqo/shared/ports',
      '@geqo/shared/domain/match',
      '../../shared/domain/match/index.ts',
      './wire.ts',
    ],
    message: 'dashboard',
  },
  testSupportInDomain: {
    folder: 'shared/domain/events',
    forbidden: ['@geqo/test-support/synthetic-match', '../../../test-support/synthetic-match.ts'],
    allowed: ['./catalog.ts'],
    message: 'test-support',
  },
  testSupportInPorts: {
    folder: 'shared/ports',
    fileName: `test-support-violation-${process.pid}.ts`,
    forbidden: ['@geqo/test-support/synthetic-match', '../test-support/synthetic-match.ts'],
    allowed: ['./event-store.ts'],
    message: 'test-support',
  },
  testSupportInApp: {
    folder: 'shared/app/queries',
    forbidden: ['@geqo/test-support/synthetic-match', '../../../test-support/synthetic-match.ts'],
    allowed: ['../../ports/index.ts'],
    message: 'test-support',
  },
  testSupportInAdapters: {
    folder: 'shared/adapters/postgres',
    forbidden: ['@geqo/test-support/synthetic-match', '../../../test-support/synthetic-match.ts'],
    allowed: ['../../ports/index.ts', 'pg'],
    message: 'test-support',
  },
  testSupportInFunctions: {
    folder: 'functions/worker',
    forbidden: ['@geqo/test-support/synthetic-match', '../../test-support/synthetic-match.ts'],
    allowed: ['@geqo/shared/app/worker', './config.ts'],
    message: 'test-support',
  },
  testSupportInTests: {
    folder: 'shared/app/worker',
    fileName: `test-support-allowed-${process.pid}.test.ts`,
    forbidden: [],
    allowed: ['@geqo/test-support/synthetic-match', '../../../test-support/synthetic-match.ts', 'vitest'],
    message: 'test-support',
  },
  testSupportInFunctionTests: {
    folder: 'functions/test',
    forbidden: ['@geqo/local'],
    allowed: ['@geqo/test-support/synthetic-match', './factories.ts'],
    message: 'functions (the AWS wiring) may not import local',
  },
} satisfies Record<string, Arrow>;

type ArrowName = keyof typeof ARROWS;

/** The file of an arrow: every import first (forbidden, then allowed), one a line, all used. */
function violationSource(arrow: Arrow): string {
  const specifiers = [...arrow.forbidden, ...arrow.allowed];
  const imports = specifiers.map((specifier, index) => `import * as imported${index} from '${specifier}';`);
  const used = specifiers.map((_, index) => `imported${index}`).join(', ');
  return `${imports.join('\n')}\n\nexport const used = [${used}];\n`;
}

interface Diagnostic {
  line: number;
  message: string;
}

const written: string[] = [];
const reported = new Map<string, Diagnostic[]>();
let lintStatus: number | null = null;

beforeAll(() => {
  try {
    const arrows: Arrow[] = Object.values(ARROWS);
    for (const arrow of arrows) {
      const path = join(ROOT, arrow.folder, arrow.fileName ?? FILE_NAME);
      writeFileSync(path, violationSource(arrow));
      written.push(path);
    }
    // One run over every file, with the repository's own biome.json (found from ROOT).
    const run = spawnSync(BIOME, ['lint', '--reporter=github', '--max-diagnostics=none', ...written], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    lintStatus = run.status;
    for (const line of run.stdout.split('\n')) {
      const found = /^::error title=lint\/style\/noRestrictedImports,file=([^,]+),line=(\d+),.*?::(.*)$/.exec(
        line,
      );
      if (!found) continue;
      const [, file = '', lineNumber = '0', message = ''] = found;
      const key = resolve(ROOT, file);
      reported.set(key, [...(reported.get(key) ?? []), { line: Number(lineNumber), message }]);
    }
  } finally {
    removeWritten();
  }
}, 60_000);

afterAll(removeWritten);

function removeWritten(): void {
  for (const path of written) rmSync(path, { force: true });
}

function expectArrowGuarded(name: ArrowName): void {
  const arrow: Arrow = ARROWS[name];
  const diagnostics = reported.get(join(ROOT, arrow.folder, arrow.fileName ?? FILE_NAME)) ?? [];
  // Lines 1..forbidden.length hold the forbidden imports, the allowed ones follow.
  const forbiddenLines = arrow.forbidden.map((_, index) => index + 1);
  expect(lintStatus).not.toBe(0);
  expect(diagnostics.map((diagnostic) => diagnostic.line).sort((a, b) => a - b)).toEqual(forbiddenLines);
  for (const diagnostic of diagnostics) expect(diagnostic.message).toContain(arrow.message);
}

describe('the import rules of biome.json', () => {
  it('the domain importing ports, the app layer, adapters, a runtime or an I/O module fails the lint', () => {
    expectArrowGuarded('domain');
  });

  it('a port importing the app layer, adapters, a runtime or a database client fails the lint', () => {
    expectArrowGuarded('ports');
  });

  it('the app layer importing adapters, a runtime or a database, socket or AWS client fails the lint', () => {
    expectArrowGuarded('app');
  });

  it('an adapter importing the app layer or a runtime fails the lint', () => {
    expectArrowGuarded('adapters');
  });

  it('functions importing local fails the lint', () => {
    expectArrowGuarded('functionsToLocal');
  });

  it('local importing functions fails the lint', () => {
    expectArrowGuarded('localToFunctions');
  });

  it('infra importing application code fails the lint', () => {
    expectArrowGuarded('infra');
  });

  it('the dashboard importing anything but ports and domain (or a Node built-in) fails the lint', () => {
    expectArrowGuarded('dashboard');
  });

  it('production code in shared/ or functions/ importing test-support fails the lint', () => {
    expectArrowGuarded('testSupportInDomain');
    expectArrowGuarded('testSupportInPorts');
    expectArrowGuarded('testSupportInApp');
    expectArrowGuarded('testSupportInAdapters');
    expectArrowGuarded('testSupportInFunctions');
  });

  it('tests in shared/ and functions/ may import test-support, and function tests still may not import local', () => {
    expectArrowGuarded('testSupportInTests');
    expectArrowGuarded('testSupportInFunctionTests');
  });
});
