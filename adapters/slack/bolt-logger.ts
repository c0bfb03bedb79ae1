/**
 * Bolt's, the Socket Mode client's and the WebClient's log lines into our pino logger (one JSON
 * stream, secrets redacted there), under `component: "slack-sdk"`. Bolt's `setLevel` is honoured
 * on top of pino's level: the App sets INFO, which keeps the SDKs' per-request debug lines out.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

function levelOf(pinoLevel: string): LogLevel {
  if (pinoLevel === 'trace' || pinoLevel === 'debug') return LogLevel.DEBUG;
  if (pinoLevel === 'info') return LogLevel.INFO;
  if (pinoLevel === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

export function boltLogger(logger: Logger, name = 'slack-sdk'): BoltLogger {
  let level = levelOf(logger.level);
  let child = logger.child({ component: name });
  const emit = (at: LogLevel, args: unknown[]) => {
    if (ORDER[at] < ORDER[level]) return;
    const err = args.find((a): a is Error => a instanceof Error);
    const text = args
      .filter((a) => a !== err)
      .map((a) => (typeof a === 'string' ? a : safeJson(a)))
      .join(' ');
    const fields = err ? { err } : {};
    child[at](fields, text || err?.message || '');
  };
  return {
    debug: (...args: unknown[]) => emit(LogLevel.DEBUG, args),
    info: (...args: unknown[]) => emit(LogLevel.INFO, args),
    warn: (...args: unknown[]) => emit(LogLevel.WARN, args),
    error: (...args: unknown[]) => emit(LogLevel.ERROR, args),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      child = logger.child({ component: n });
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
