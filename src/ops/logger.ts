/**
 * The process logger: pino JSON lines on stderr (stdout stays free for CLI output). Secrets are
 * redacted by path; message text is PII-masked and cut by path (DESIGN §7: PII is masked in logs),
 * so `logger.info({ text }, …)` is safe even where a caller forgot `maskForLog`; and every other
 * string of a record, errors and their causes, stacks and database parameters included, is
 * PII-masked too (log-masking.ts), as is the message itself.
 */
import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { maskPii } from '../privacy/pii.ts';
import { maskDeep, maskLogText } from './log-masking.ts';

export interface LoggerOptions {
  /** fatal, error, warn, info, debug, trace or silent. @defaultValue 'info' */
  level?: string;
  /**
   * Where lines go. @defaultValue stderr, written synchronously so the last lines before a crash
   * are not lost
   */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ role: 'worker' }`. @defaultValue pid and hostname */
  base?: Record<string, unknown>;
}

/** Keys whose values are secrets wherever they appear (top level and two levels down). */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  '["set-cookie"]',
  'token',
  'accessToken',
  'access_token',
  'tenant_access_token',
  'app_access_token',
  'botToken',
  'appToken',
  'verificationToken',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'signingSecret',
  'appSecret',
  'encryptKey',
];
/** Config entries whose URL may embed a password (DATABASE_URL, REDIS_URL). */
const SECRET_PATHS = ['database.url', 'redis.url'];
/** Keys that carry what a person wrote; logged masked, never verbatim. */
const TEXT_KEYS = ['text', 'question'];

const deep = (key: string) => {
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
};

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap(deep),
  ...SECRET_PATHS.flatMap((p) => [p, `*.${p}`]),
];
export const MASKED_TEXT_PATHS: readonly string[] = TEXT_KEYS.flatMap(deep);

const TEXT_KEY_SET = new Set(TEXT_KEYS);

export function createLogger(options: LoggerOptions = {}): Logger {
  const config: PinoOptions = {
    level: options.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (record) => maskDeep(record) as Record<string, unknown> },
    hooks: {
      // The message and its interpolation values; `logger.error(err)` takes its message from err.
      logMethod(args, method) {
        const masked: unknown[] = args.map((a) => (typeof a === 'string' ? maskLogText(a) : a));
        if (masked[0] instanceof Error && typeof masked[1] !== 'string')
          masked.splice(1, 0, maskLogText(masked[0].message));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    redact: {
      paths: [...REDACT_PATHS, ...MASKED_TEXT_PATHS],
      censor: (value: unknown, path: string[]) => {
        if (!TEXT_KEY_SET.has(path[path.length - 1])) return '[Redacted]';
        return typeof value === 'string' ? maskForLog(value) : value;
      },
    },
  };
  if (options.base) config.base = options.base;
  return pino(config, options.destination ?? pino.destination({ dest: 2, sync: true }));
}

/**
 * What a component needs of a logger: a pino Logger fits, and so does a small recording double in
 * tests.
 */
export interface LogSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Ids that tie a log line to one event, ticket or conversation. */
export interface LogContext {
  eventId?: string;
  ticketId?: string;
  threadId?: string;
  platform?: string;
}

/** A child logger whose lines all carry the given ids (undefined ones are left out). */
export function withContext(logger: Logger, context: LogContext): Logger {
  const bindings: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) if (value !== undefined) bindings[key] = value;
  return logger.child(bindings);
}

/** A log line stays readable and bounded even for a pasted document. @defaultValue 1000 */
export const LOG_TEXT_MAX_CHARS = 1000;

/**
 * Message text as it may be logged: PII masked (ID, card and phone numbers keep their last 4
 * digits; emails and pay amounts are replaced), then cut to `maxChars` with the cut length noted.
 */
export function maskForLog(text: string, maxChars = LOG_TEXT_MAX_CHARS): string {
  const masked = maskPii(text);
  if (masked.length <= maxChars) return masked;
  return `${masked.slice(0, maxChars)}… (+${masked.length - maxChars} chars)`;
}
