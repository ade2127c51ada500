import { describe, expect, it } from 'vitest';
import { CopyTextBuffer, copyJson, copyText } from './copy-text.ts';

describe('COPY text format', () => {
  it.each([
    [null, '\\N'],
    ['plain', 'plain'],
    ['a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'],
  ])('escapes %j', (value, expected) => {
    expect(copyText(value)).toBe(expected);
  });

  it('doubles only backslashes in JSON text', () => {
    const json = JSON.stringify({ text: 'say "hi"\n\\o/' });
    expect(copyJson(json)).toBe(json.replaceAll('\\', '\\\\'));
    expect(copyJson('{"a":1}')).toBe('{"a":1}');
  });

  it('grows the buffer as lines come and keeps multi-byte text intact', () => {
    const copy = new CopyTextBuffer(8);
    const lines = ['first\n', `${'ñ€'.repeat(50)}\n`, 'last\n'];
    for (const line of lines) copy.line(line);
    expect(copy.bytes().toString('utf8')).toBe(lines.join(''));
  });
});
