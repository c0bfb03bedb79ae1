import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HelplineError } from '../errors.ts';
import { type Config, configSchema, crossCheck, ENV } from './schema.ts';
import { describeUnknownKey, unknownKeys } from './unknown-keys.ts';

// `yaml` is loaded only when there is a file to read (most starts have none).
const require = createRequire(import.meta.url);
const parseYaml = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

export const CONFIG_FILE = 'helpline.config.yaml';

export interface LoadOptions {
  /** @defaultValue process.env */
  env?: Record<string, string | undefined>;
  /** @defaultValue ./helpline.config.yaml if it exists (or HELPLINE_CONFIG) */
  file?: string;
  /** Settings from command-line flags; they win over everything. */
  overrides?: Record<string, unknown>;
}

/** File, then environment, then flags; validated once, with messages that name what to fix. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.HELPLINE_CONFIG ?? CONFIG_FILE;
  const raw: Record<string, unknown> = readConfigFile(
    file,
    options.file !== undefined || !!env.HELPLINE_CONFIG,
  );
  for (const [name, path] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, path, value);
  }
  const parsed = configSchema.safeParse(raw);
  // A mistyped key would be dropped by the schema and its setting silently keep the default.
  const unknown = unknownKeys(configSchema, raw).map((k) => `  - ${describeUnknownKey(k)}`);
  if (!parsed.success || unknown.length > 0) {
    const envOf = Object.fromEntries(Object.entries(ENV).map(([k, v]) => [v, k]));
    const problems = (parsed.error?.issues ?? []).map((i) => {
      const path = i.path.join('.');
      const where = envOf[path] ? `${path} (${envOf[path]})` : path;
      return `  - ${where}: ${i.message}`;
    });
    problems.push(...unknown);
    throw new HelplineError(
      'CONFIG_INVALID',
      `Configuration is invalid:\n${problems.join('\n')}\nFix these in ${file} or the environment and start again.`,
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) {
    throw new HelplineError(
      'CONFIG_INVALID',
      `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return parsed.data;
}

function readConfigFile(file: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new HelplineError('CONFIG_FILE_UNREADABLE', `Config file ${file} does not exist.`);
    return {};
  }
  try {
    const doc = parseYaml(readFileSync(file, 'utf8')) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new HelplineError(
      'CONFIG_FILE_UNREADABLE',
      `Cannot read ${file}: ${(err as Error).message}. Fix the YAML or remove the file.`,
      { cause: err },
    );
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
