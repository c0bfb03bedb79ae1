/**
 * Checks HTTP requests and responses against an OpenAPI 3.0 document with Ajv, so a stand-in can
 * prove that what the project sends is what the real service accepts, and that it answers in the
 * real shape. OpenAPI 3.0 is not quite JSON Schema: `nullable` is rewritten to a `null` type first
 * (a bare `{nullable: true}` in an `anyOf` means "or null"), and the spec's numeric formats are
 * checked as ranges. `$ref`s resolve inside the document itself.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = unknown;
type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OperationSpec {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface MatchedOperation {
  operationId: string;
  /** The spec's path template, e.g. `/collections/{collection_name}/points`. */
  template: string;
  method: string;
  params: Record<string, string>;
}

export interface OpenApiValidator {
  /** The operation a request is for, or undefined when the spec has no such path and method. */
  match(method: string, path: string): MatchedOperation | undefined;
  /** Problems with a request's query parameters and JSON body; empty when it is valid. */
  checkRequest(op: MatchedOperation, query: URLSearchParams, body: Json | undefined): string[];
  /** Problems with a response of this status and JSON body; empty when it is valid. */
  checkResponse(op: MatchedOperation, status: number, body: Json): string[];
}

const SPEC_ID = 'openapi';

const UINT = (bits: number) => ({
  type: 'number' as const,
  validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** bits,
});

export function openApiValidator(file: string | URL): OpenApiValidator {
  const spec = toJsonSchema(JSON.parse(readFileSync(file, 'utf8'))) as {
    paths: Record<string, Record<string, OperationSpec>>;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uint', UINT(64));
  ajv.addFormat('uint64', UINT(64));
  ajv.addFormat('uint32', UINT(32));
  ajv.addFormat('uint8', UINT(8));
  ajv.addFormat('int64', { type: 'number', validate: Number.isInteger });
  ajv.addFormat('float', { type: 'number', validate: Number.isFinite });
  ajv.addFormat('double', { type: 'number', validate: Number.isFinite });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('partial-date-time', () => true);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('binary', () => true);
  ajv.addSchema({ ...(spec as object), $id: SPEC_ID });

  const operations = Object.entries(spec.paths).flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({
        template,
        method,
        operation,
        names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
      })),
  );
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string[]): ValidateFunction => {
    const ref = `${SPEC_ID}#/${pointer.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: ref });
      compiled.set(ref, v);
    }
    return v;
  };
  const errorsOf = (v: ValidateFunction, data: Json, where: string): string[] =>
    v(data)
      ? []
      : (v.errors ?? [])
          .slice(0, 8)
          .map((e) => `${where}${e.instancePath || ''}: ${e.message} ${JSON.stringify(e.params)}`);
  const find = (op: MatchedOperation) =>
    operations.find((o) => o.template === op.template && o.method === op.method)!;

  return {
    match(method, path) {
      const m = method.toLowerCase();
      // Literal paths before templated ones (`/collections/aliases` is not a collection named "aliases").
      const candidates = operations
        .filter((o) => o.method === m && o.regex.test(path))
        .sort((a, b) => a.names.length - b.names.length);
      const o = candidates[0];
      if (!o) return undefined;
      const values = o.regex.exec(path)!.slice(1).map(decodeURIComponent);
      return {
        operationId: o.operation.operationId ?? `${m} ${o.template}`,
        template: o.template,
        method: m,
        params: Object.fromEntries(o.names.map((n, i) => [n, values[i]])),
      };
    },

    checkRequest(op, query, body) {
      const o = find(op);
      const problems: string[] = [];
      const declared = o.operation.parameters ?? [];
      const base = ['paths', o.template, o.method];
      declared.forEach((p, i) => {
        if (p.in !== 'query' && p.in !== 'path') return;
        const raw = p.in === 'path' ? op.params[p.name] : query.get(p.name);
        if (raw === null || raw === undefined) {
          if (p.required) problems.push(`missing ${p.in} parameter ${p.name}`);
          return;
        }
        const value = coerce(raw, p.schema);
        problems.push(
          ...errorsOf(validatorAt([...base, 'parameters', String(i), 'schema']), value, `${p.in} ${p.name}`),
        );
      });
      for (const name of query.keys()) {
        if (!declared.some((p) => p.in === 'query' && p.name === name))
          problems.push(`undeclared query parameter ${name}`);
      }
      const content = o.operation.requestBody?.content?.['application/json'];
      if (body === undefined) {
        if (o.operation.requestBody?.required) problems.push('missing request body');
      } else if (!content?.schema) {
        problems.push('a body was sent to an operation that takes none');
      } else {
        problems.push(
          ...errorsOf(
            validatorAt([...base, 'requestBody', 'content', 'application/json', 'schema']),
            body,
            'body',
          ),
        );
      }
      return problems;
    },

    checkResponse(op, status, body) {
      const o = find(op);
      const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => o.operation.responses[k]);
      if (!key) return [`status ${status} is not a response of ${op.operationId}`];
      const content = o.operation.responses[key].content?.['application/json'];
      if (!content?.schema) return [];
      return errorsOf(
        validatorAt([
          'paths',
          o.template,
          o.method,
          'responses',
          key,
          'content',
          'application/json',
          'schema',
        ]),
        body,
        `response ${status}`,
      );
    },
  };
}

function coerce(raw: string, schema: Schema | undefined): Json {
  const type = schema?.type;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'integer' || type === 'number')
    return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  return raw;
}

/** OpenAPI 3.0 `nullable` → JSON Schema `null`, everywhere in the document. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = toJsonSchema(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  const shape = Object.keys(out).filter((k) => !['description', 'default', 'example', 'title'].includes(k));
  if (shape.length === 0) return { ...out, type: 'null' };
  return { anyOf: [out, { type: 'null' }] };
}
