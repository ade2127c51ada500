import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, rdsAuthToken } from './rds-auth-token.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

describe('rdsAuthToken', () => {
  it('is a SigV4-presigned rds-db connect request, checked against the algorithm written out by hand', async () => {
    // Prepare
    const request = {
      hostname: 'geqo.proxy-abc.eu-central-1.rds.amazonaws.com',
      port: 5432,
      username: 'geqo',
      region: 'eu-central-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      signingDate: new Date('2024-01-20T11:55:00Z'),
    };
    // Act
    const token = await rdsAuthToken(request);
    // Assess
    const [hostPort, query] = token.split('/?');
    expect(hostPort).toBe(`${request.hostname}:5432`);
    const params = new URLSearchParams(query);
    expect(params.get('Action')).toBe('connect');
    expect(params.get('DBUser')).toBe('geqo');
    expect(params.get('X-Amz-Expires')).toBe('900');
    expect(params.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20240120/eu-central-1/rds-db/aws4_request');
    // The canonical request and string to sign, as the SigV4 specification builds them.
    const signed = [...params.entries()].filter(([key]) => key !== 'X-Amz-Signature');
    const canonicalQuery = signed
      .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
      .sort(([a], [b]) => (a! < b! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = ['GET', '/', canonicalQuery, `host:${hostPort}\n`, 'host', sha256('')].join(
      '\n',
    );
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      '20240120T115500Z',
      '20240120/eu-central-1/rds-db/aws4_request',
      sha256(canonicalRequest),
    ].join('\n');
    let key = hmac(`AWS4${request.credentials.secretAccessKey}`, '20240120');
    for (const part of ['eu-central-1', 'rds-db', 'aws4_request']) key = hmac(key, part);
    expect(params.get('X-Amz-Signature')).toBe(hmac(key, stringToSign).toString('hex'));
  });

  it('carries the session token of temporary credentials', async () => {
    const token = await rdsAuthToken({
      hostname: 'h',
      port: 5432,
      username: 'u',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'tok/en+=' },
    });
    expect(new URLSearchParams(token.split('/?')[1]).get('X-Amz-Security-Token')).toBe('tok/en+=');
  });

  it('reads the execution role credentials from the environment', async () => {
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T' }),
    ).toEqual({
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
    });
    expect(() => credentialsFromEnv({})).toThrow('AWS_ACCESS_KEY_ID');
  });
});
