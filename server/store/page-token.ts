// Opaque page tokens: a cursor (the last row's sort key) encoded so clients pass it back unchanged.
import { InvalidInputError } from '../errors.js';

export function encodePageToken(cursor: unknown[]): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodePageToken(token: string, rpc: string): unknown[] | undefined {
  if (!token) return undefined;
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString());
    if (Array.isArray(cursor)) return cursor;
  } catch {
    // fall through
  }
  throw new InvalidInputError(`page_token '${token.slice(0, 60)}' is not a token returned by ${rpc}; omit it to start from the first page`);
}
