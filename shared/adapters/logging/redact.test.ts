import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

const SECRET = 'Zk3q9vX0b1yT7mN2pQ8rS4uW6aC5dE0fGhIjKlMnOpQ';

describe('redactSecrets', () => {
  it.each([
    [`/v1/logs/srv_abc123def456/srv_abc123def456.${SECRET}`, '/v1/logs/srv_abc123def456/[redacted]'],
    [`/v1/logs/srv_abc123def456/${SECRET}?x=1`, '/v1/logs/srv_abc123def456/[redacted]?x=1'],
    [`/V1/LOGS/srv_abc123def456/srv_abc123def456%2E${SECRET}`, '/V1/LOGS/srv_abc123def456/[redacted]'],
    [`/v1/matches?token=${SECRET}&limit=5`, '/v1/matches?token=[redacted]&limit=5'],
    [`/ws?access_token=${SECRET}`, '/ws?access_token=[redacted]'],
    [`Authorization: Bearer ${SECRET}`, 'Authorization: Bearer [redacted]'],
    [`failed for srv_abc123def456.${SECRET} today`, 'failed for srv_abc123def456.[redacted] today'],
  ])('takes the secret out of %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
    expect(redactSecrets(text)).not.toContain(SECRET);
  });

  it('leaves text without secrets as it was', () => {
    for (const text of [
      '/v1/matches/m_0123456789abcdef/events?type=kill&limit=10',
      '/healthz',
      'plain words',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});
