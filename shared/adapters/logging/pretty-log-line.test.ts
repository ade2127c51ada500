import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './pino-logger.ts';
import { prettyLogLine } from './pretty-log-line.ts';

describe('prettyLogLine', () => {
  it('renders a JSON log line as time, level, message and key=value fields on one line', () => {
    // Prepare
    const time = new Date(2026, 11, 6, 4, 5, 6, 7).toISOString();
    const line = JSON.stringify({
      level: 'warn',
      time,
      name: 'geqo',
      msg: 'drain timed out',
      committed: 12,
      phase: 'live round',
      serverId: 'srv_abc',
      nested: { a: 1 },
    });

    // Act
    const pretty = prettyLogLine(line);

    // Assess
    expect(pretty).toBe(
      '04:05:06.007 WARN  drain timed out committed=12 phase="live round" serverId=srv_abc nested={"a":1}\n',
    );
  });

  it('colors the level only when asked, and passes a line that is not JSON through', () => {
    // Act
    const colored = prettyLogLine(JSON.stringify({ level: 'error', time: 0, msg: 'boom' }), { color: true });
    const plain = prettyLogLine('not json');

    // Assess
    expect(colored).toContain('\u001b[31mERROR');
    expect(colored).toContain('boom');
    expect(plain).toBe('not json\n');
  });
});

describe('createLogger with format pretty', () => {
  it('writes each entry as one readable line on its destination, child fields included', () => {
    // Prepare
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    try {
      createLogger({ format: 'pretty', destination: 2, name: 'geqo' })
        .child({ component: 'ingest' })
        .info('frame rejected', { serverId: 'srv_1', code: 'SCHEMA' });
    } finally {
      write.mockRestore();
    }

    // Assess
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}frame rejected component=ingest serverId=srv_1 code=SCHEMA\n$/,
    );
  });
});
