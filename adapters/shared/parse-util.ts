/**
 * Small total helpers every platform's parser shares (pure: no SDK, no core module). One definition
 * each, so parsers cannot drift apart on what counts as a value.
 */
import type { ParseResult } from '../../src/inbound/ports.ts';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string, the empty one included (a message's text may be empty). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A string with something in it (ids, names, keys): '' counts as missing. */
export const nonEmpty = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

export const malformed = (reason: string): ParseResult => ({ ok: false, ignore: false, reason });
export const ignored = (reason: string): ParseResult => ({ ok: false, ignore: true, reason });
