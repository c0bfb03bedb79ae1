/**
 * Keys of helpline.config.yaml that no setting declares: `serverr:` or `server.prot` would
 * otherwise be dropped by the schema without a word and the setting keep its default. Found by
 * walking the raw configuration along the schema (objects, records, lists, unions of them), each
 * with the nearest declared key as the likely intended one. Loose objects (`sla.calendars`) take
 * any key and are not checked.
 */
import type { z } from 'zod';
import { closestName } from '../util/closest-name.ts';

export interface UnknownKey {
  /** Dotted path of the key, e.g. `server.prot`. */
  path: string;
  /** The declared key beside it that is nearest in spelling. */
  suggestion?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function unknownKeys(schema: z.ZodType, value: unknown, path: string[] = []): UnknownKey[] {
  const def = unwrapped(schema);
  if (def.type === 'object' && isMapping(value)) {
    const shape = def.shape ?? {};
    const loose = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
    return Object.entries(value).flatMap(([key, v]) => {
      if (Object.hasOwn(shape, key)) return unknownKeys(shape[key], v, [...path, key]);
      if (loose) return [];
      return [{ path: [...path, key].join('.'), suggestion: closestName(key, Object.keys(shape)) }];
    });
  }
  if (def.type === 'record' && def.valueType && isMapping(value))
    return Object.entries(value).flatMap(([k, v]) =>
      unknownKeys(def.valueType as z.ZodType, v, [...path, k]),
    );
  if (def.type === 'array' && def.element && Array.isArray(value))
    return value.flatMap((v, i) => unknownKeys(def.element as z.ZodType, v, [...path, String(i)]));
  if (def.type === 'union' && isMapping(value)) {
    // The member that takes a mapping (roles: a role name, or {role, categories}).
    const member = def.options?.find((o) => unwrapped(o).type === 'object');
    return member ? unknownKeys(member, value, path) : [];
  }
  return [];
}

/** Through optional, default, prefault, nullable and transform (pipe) wrappers to the shape. */
function unwrapped(schema: z.ZodType): Def {
  let def = defOf(schema);
  for (let depth = 0; depth < 10; depth++) {
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) break;
    def = defOf(inner);
  }
  return def;
}

/** "server.prot (did you mean server.port?)" */
export function describeUnknownKey(key: UnknownKey): string {
  const parent = key.path.split('.').slice(0, -1);
  const hint = key.suggestion ? ` (did you mean ${[...parent, key.suggestion].join('.')}?)` : '';
  return `${key.path}: not a setting${hint}; fix or remove it`;
}
