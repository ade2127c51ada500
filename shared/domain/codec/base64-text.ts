/**
 * Base64 text frames. API Gateway drops incoming binary WebSocket frames, so plugins may send
 * the same bytes as base64 text. Node's decoder skips characters it does not know instead of
 * failing, so the text is checked first: standard or URL-safe alphabet, padding optional but
 * correct, no whitespace.
 */
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** The bytes of a base64 text, or `undefined` when it is not base64. */
export function decodeBase64Text(text: string): Uint8Array | undefined {
  if (!BASE64_TEXT.test(text)) return undefined;
  const padded = text.endsWith('=');
  if (padded ? text.length % 4 !== 0 : text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

export function encodeBase64Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** How many characters `byteLength` bytes take as padded base64. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}
