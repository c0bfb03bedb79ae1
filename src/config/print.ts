import { stringify } from 'yaml';
import { maskUrl } from '../util/mask-url.ts';
import type { Config } from './schema.ts';

const SECRET_KEYS = /(secret|token|key|password)$/i;

/** The effective configuration with secrets masked: safe to paste in a ticket. */
export function maskedConfig(config: Config): Config {
  return JSON.parse(
    JSON.stringify(config, (key, value) => {
      if (typeof value !== 'string') return value;
      if (SECRET_KEYS.test(key)) return mask(value);
      return maskUrl(value);
    }),
  );
}

function mask(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}****${value.slice(-2)}`;
}

export function formatConfig(config: Config): string {
  return stringify(maskedConfig(config));
}
