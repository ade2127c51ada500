import { describe, expect, it } from 'vitest';
import { presentedToken } from './presented-token.ts';

describe('presentedToken (the plugin and dashboard token of geqo up and of the AWS authorizer)', () => {
  it.each([
    ['a bearer header', 'Bearer srv_a.secret', null, 'srv_a.secret'],
    ['the scheme in any case', 'bearer srv_a.secret', null, 'srv_a.secret'],
    ['a tab or several spaces after Bearer', 'Bearer\t  srv_a.secret', null, 'srv_a.secret'],
    ['white space around the header', '  Bearer srv_a.secret  ', null, 'srv_a.secret'],
    ['the header before the query parameter', 'Bearer srv_a.secret', 'srv_b.secret', 'srv_a.secret'],
    ['the query parameter without a header', undefined, 'srv_b.secret', 'srv_b.secret'],
    ['the query parameter beside another scheme', 'Basic dXNlcjpwYXNz', 'srv_b.secret', 'srv_b.secret'],
    [
      'the query parameter beside a header of two words',
      'Bearer srv_a secret',
      'srv_b.secret',
      'srv_b.secret',
    ],
    ['nothing for Bearer alone', 'Bearer', undefined, null],
    ['nothing for no credentials', undefined, undefined, null],
  ])('reads %s', (_label, authorization, query, expected) => {
    expect(presentedToken(authorization, query)).toBe(expected);
  });
});
