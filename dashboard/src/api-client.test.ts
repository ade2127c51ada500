import { describe, expect, it } from 'vitest';
import { pageReadToken } from './api-client.ts';

describe('pageReadToken', () => {
  it('takes the read token from the page address, for a runtime started with GEQO_READ_TOKEN', () => {
    expect(pageReadToken('?token=abc123')).toBe('abc123');
    expect(pageReadToken('?x=1&token=a%2Fb')).toBe('a/b');
  });

  it('is null when the page was opened without one', () => {
    expect(pageReadToken('')).toBeNull();
    expect(pageReadToken('?token=')).toBeNull();
    expect(pageReadToken(undefined)).toBeNull();
  });
});
