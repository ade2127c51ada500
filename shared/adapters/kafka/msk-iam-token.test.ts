import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { credentialsFromEnvironment, mskIamToken } from './msk-iam-token.ts';

/** The SDK's own SigV4 signer needs a hash class; this one wraps node:crypto. */
class NodeSha256 {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+with=odd*chars',
};
const signingDate = new Date('2026-03-01T12:34:56.789Z');

describe('mskIamToken', () => {
  it('is the base64url of the URL the SDK signer presigns for kafka-cluster:Connect', async () => {
    // Prepare: what the AWS SDK's SignatureV4 presigns, as aws-msk-iam-sasl-signer-js calls it.
    const signer = new SignatureV4({
      service: 'kafka-cluster',
      region: 'eu-west-1',
      credentials,
      sha256: NodeSha256,
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'kafka.eu-west-1.amazonaws.com',
        path: '/',
        headers: { host: 'kafka.eu-west-1.amazonaws.com' },
        query: { Action: 'kafka-cluster:Connect' },
      },
      { expiresIn: 900, signingDate },
    );

    // Act
    const token = mskIamToken('eu-west-1', credentials, signingDate);

    // Assess
    expect(token).not.toMatch(/[+/=]/);
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://kafka.eu-west-1.amazonaws.com/');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({ ...presigned.query, 'User-Agent': 'aws-msk-iam-sasl-signer-js/1.0.0' });
    expect(params['X-Amz-Date']).toBe('20260301T123456Z');
  });

  it('leaves the session token out when there is none', () => {
    // Act
    const token = mskIamToken('us-east-1', { accessKeyId: 'AKID', secretAccessKey: 'secret' }, signingDate);

    // Assess
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.searchParams.has('X-Amz-Security-Token')).toBe(false);
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKID/20260301/us-east-1/kafka-cluster/aws4_request',
    );
  });

  it('reads credentials from the Lambda environment and names what is missing', async () => {
    // Prepare
    const present = credentialsFromEnvironment({
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      AWS_SESSION_TOKEN: 'c',
    });
    const missing = credentialsFromEnvironment({});

    // Act
    const found = await present();

    // Assess
    expect(found).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' });
    expect(() => missing()).toThrow(/AWS_ACCESS_KEY_ID/);
  });
});
