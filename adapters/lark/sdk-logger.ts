/**
 * The SDK's logger interface onto pino. The SDK logs whole axios errors — request config included,
 * and the token request's config carries the app secret — so only strings, error messages, HTTP
 * statuses and Lark codes are kept; every other object is dropped, never serialised.
 *
 * The SDK calls each level with one array of parts (LoggerProxy passes `msg` as an array).
 */
import type { Logger as SdkLogger } from '@larksuiteoapi/node-sdk';
import type { Level, Logger } from 'pino';

export interface SdkLoggerLevels {
  /** Where the SDK's errors go. The API client's errors are also thrown to us, so 'debug' there. @defaultValue 'warn' */
  error?: Level;
  /** @defaultValue 'warn' */
  warn?: Level;
  /** The SDK's info lines are chatty (a multi-line console how-to on every start). @defaultValue 'debug' */
  info?: Level;
}

function describe(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (typeof part === 'number' || typeof part === 'boolean') return String(part);
  if (part instanceof Error) return part.message;
  if (part && typeof part === 'object') {
    const o = part as {
      message?: unknown;
      code?: unknown;
      msg?: unknown;
      response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } };
    };
    const bits = [
      typeof o.message === 'string' ? o.message : undefined,
      typeof o.response?.status === 'number' ? `HTTP ${o.response.status}` : undefined,
      typeof o.code === 'number' || typeof o.response?.data?.code === 'number'
        ? `code ${String(o.code ?? o.response?.data?.code)}`
        : undefined,
      typeof o.msg === 'string' ? o.msg : undefined,
    ].filter(Boolean);
    return bits.length > 0 ? bits.join(' ') : undefined;
  }
  return undefined;
}

function text(args: unknown[]): string {
  const parts = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return parts
    .map(describe)
    .filter((s): s is string => s !== undefined && s !== '')
    .join(' ')
    .slice(0, 500);
}

export function sdkLogger(logger: Logger, levels: SdkLoggerLevels = {}): SdkLogger {
  const log = logger.child({ component: 'lark-sdk' });
  const at =
    (level: Level) =>
    (...args: unknown[]) => {
      if (log.isLevelEnabled(level)) log[level](text(args));
    };
  return {
    error: at(levels.error ?? 'warn'),
    warn: at(levels.warn ?? 'warn'),
    info: at(levels.info ?? 'debug'),
    debug: at('debug'),
    trace: at('trace'),
  };
}
