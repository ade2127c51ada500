/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import logText from '../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log?raw';
import { LogStreamParser } from '../shared/domain/cs2-log/index.ts';
import { LOG_PARSER_TARGET_LINES_PER_SECOND, runLogParserBench } from './log-parser-bench.ts';

describe('runLogParserBench', () => {
  it('parses the whole fixture log, in bodies, on every pass and reports a rate', async () => {
    // Prepare: what one parse of the whole log gives
    const whole = new LogStreamParser();
    const eventsPerPass = whole.push(logText).length + whole.flush().length;
    const linesPerPass = whole.stats().lines;

    // Act: a short run; the figure itself is for `npx tsx bench/log-parser-bench.ts`, not for a busy CI
    const result = await runLogParserBench({ seconds: 0.2 });

    // Assess
    expect(result.passes).toBeGreaterThan(0);
    expect(result.lines).toBe(result.passes * linesPerPass);
    expect(result.events).toBe(result.passes * eventsPerPass);
    expect(result.linesPerSecond).toBeGreaterThan(0);
    expect(result.target).toBe(LOG_PARSER_TARGET_LINES_PER_SECOND);
  });
});
