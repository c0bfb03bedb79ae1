/**
 * A local stand-in for Qdrant's REST API (Qdrant cannot run on these machines), for the real
 * `@qdrant/js-client-rest` client. Every request is checked against the official OpenAPI document
 * (../shared/specs/qdrant-openapi.json): the operation must exist, and its query parameters and
 * body must be valid. Every answer is checked against the same document before it is sent. A
 * mismatch either way is recorded in `violations` and answered 500 with the reason, so the client
 * call fails and the test that caused it fails loudly (and `assertClean()` fails any test after).
 *
 * Behaviour follows Qdrant where the project relies on it: collections with one unnamed cosine
 * vector (stored normalized, score = dot product), payload indexes, upsert by id, delete by ids
 * or filter, scroll in id order with `next_page_offset`, nearest-neighbour query with a payload
 * filter (match value / any / except, must / should / must_not, has_id), `api-key` auth.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MatchedOperation, openApiValidator } from './openapi-validator.ts';

const SPEC = new URL('../../../shared/specs/qdrant-openapi.json', import.meta.url);
const VERSION = '1.20.0';

let validator: ReturnType<typeof openApiValidator> | undefined;

export interface QdrantRequest {
  method: string;
  path: string;
  operationId: string;
  body: unknown;
}

export interface QdrantStandInOptions {
  /** When set, requests must carry it in `api-key` (or `Authorization: Bearer`), else 401. */
  apiKey?: string;
}

export interface QdrantStandIn {
  url: string;
  requests: QdrantRequest[];
  /** Spec mismatches and unsupported features met so far; a clean run has none. */
  violations: string[];
  /** Throws if any request or response did not match the spec. */
  assertClean(): void;
  /** The points of a collection, for assertions (id → payload). */
  payloads(collection: string): Map<string, Record<string, unknown>>;
  /** Answer the next `n` requests 503, as an overloaded or restarting Qdrant does. */
  failNext(n: number): void;
  close(): Promise<void>;
}

type Payload = Record<string, unknown>;
interface Point {
  id: string | number;
  vector: number[];
  payload: Payload;
}
interface Collection {
  size: number;
  points: Map<string, Point>;
  payloadSchema: Record<string, { data_type: string; points: number }>;
  operationId: number;
}

class QdrantError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startQdrantStandIn(options: QdrantStandInOptions = {}): Promise<QdrantStandIn> {
  validator ??= openApiValidator(SPEC);
  const spec = validator;
  const collections = new Map<string, Collection>();
  const requests: QdrantRequest[] = [];
  const violations: string[] = [];
  let failures = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    const send = (status: number, body: unknown, op?: MatchedOperation) => {
      if (op) {
        const problems = spec.checkResponse(op, status, body);
        if (problems.length > 0) {
          violations.push(`${op.operationId} response: ${problems.join('; ')}`);
          status = 500;
          body = { status: { error: `stand-in answered outside the spec: ${problems.join('; ')}` }, time: 0 };
        }
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const op = spec.match(req.method ?? 'GET', url.pathname);
    if (!op) {
      violations.push(`${req.method} ${url.pathname}: no such operation in the Qdrant spec`);
      return send(404, { status: { error: `no such operation: ${req.method} ${url.pathname}` }, time: 0 });
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${op.operationId}: body is not JSON`);
        return send(400, { status: { error: 'body is not JSON' }, time: 0 }, op);
      }
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, operationId: op.operationId, body });
    const problems = spec.checkRequest(op, url.searchParams, body);
    if (problems.length > 0) {
      violations.push(`${op.operationId} request: ${problems.join('; ')}`);
      return send(500, { status: { error: `request outside the spec: ${problems.join('; ')}` }, time: 0 });
    }
    if (options.apiKey) {
      const key = req.headers['api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
      if (key !== options.apiKey) return send(401, { status: { error: 'Invalid api-key' }, time: 0 }, op);
    }
    if (failures > 0) {
      failures--;
      return send(503, { status: { error: 'Service Unavailable: stand-in told to fail' }, time: 0 }, op);
    }
    try {
      const result = route(op, body as Record<string, unknown> | undefined);
      const time = (performance.now() - started) / 1000;
      send(200, op.operationId === 'root' ? result : { result, status: 'ok', time }, op);
    } catch (err) {
      if (!(err instanceof QdrantError)) throw err;
      if (err.status === 501) violations.push(`${op.operationId}: ${err.message}`);
      send(err.status, { status: { error: err.message }, time: 0 }, op);
    }
  };

  const collection = (name: string): Collection => {
    const c = collections.get(name);
    if (!c) throw new QdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  };

  const route = (op: MatchedOperation, body: Record<string, unknown> = {}): unknown => {
    const name = op.params.collection_name;
    switch (op.operationId) {
      case 'root':
        return { title: 'qdrant - vector search engine', version: VERSION, commit: null };
      case 'collection_exists':
        return { exists: collections.has(name) };
      case 'get_collection':
        return collectionInfo(collection(name));
      case 'create_collection': {
        if (collections.has(name))
          throw new QdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body.vectors as { size?: number; distance?: string } | undefined;
        if (typeof vectors?.size !== 'number')
          throw new QdrantError(501, 'the stand-in supports one unnamed vector per point');
        if (vectors.distance !== 'Cosine')
          throw new QdrantError(501, 'the stand-in supports Cosine distance only');
        collections.set(name, { size: vectors.size, points: new Map(), payloadSchema: {}, operationId: 0 });
        return true;
      }
      case 'delete_collection':
        return collections.delete(name);
      case 'create_field_index': {
        const c = collection(name);
        const field = body.field_name as string;
        const type = typeof body.field_schema === 'string' ? body.field_schema : 'keyword';
        c.payloadSchema[field] = { data_type: type, points: 0 };
        return updated(c);
      }
      case 'upsert_points': {
        const c = collection(name);
        const points = body.points as
          | { id: string | number; vector: unknown; payload?: Payload | null }[]
          | undefined;
        if (!points) throw new QdrantError(501, 'the stand-in supports the points-list form of upsert only');
        for (const p of points) {
          if (!Array.isArray(p.vector) || p.vector.some((x) => typeof x !== 'number'))
            throw new QdrantError(501, 'the stand-in supports dense unnamed vectors only');
          if (p.vector.length !== c.size)
            throw new QdrantError(
              400,
              `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${p.vector.length}`,
            );
        }
        for (const p of points)
          c.points.set(idKey(p.id), {
            id: p.id,
            vector: normalize(p.vector as number[]),
            payload: p.payload ?? {},
          });
        return updated(c);
      }
      case 'delete_points': {
        const c = collection(name);
        if (Array.isArray(body.points)) for (const id of body.points) c.points.delete(idKey(id));
        else if (body.filter) {
          for (const [key, p] of c.points) if (matches(p, body.filter)) c.points.delete(key);
        }
        return updated(c);
      }
      case 'scroll_points': {
        const c = collection(name);
        const limit = (body.limit as number | null | undefined) ?? 10;
        const sorted = [...c.points.values()]
          .filter((p) => body.filter == null || matches(p, body.filter))
          .sort((a, b) => compareIds(a.id, b.id));
        const offset = body.offset as string | number | null | undefined;
        const from = offset == null ? 0 : sorted.findIndex((p) => compareIds(p.id, offset) >= 0);
        const page = from < 0 ? [] : sorted.slice(from, from + limit);
        const next = from < 0 ? undefined : sorted[from + limit];
        return {
          points: page.map((p) => record(p, body.with_payload ?? true, body.with_vector ?? false)),
          next_page_offset: next ? next.id : null,
        };
      }
      case 'count_points': {
        const c = collection(name);
        return {
          count: [...c.points.values()].filter((p) => body.filter == null || matches(p, body.filter)).length,
        };
      }
      case 'query_points': {
        const c = collection(name);
        const query = body.query as unknown;
        const vector = Array.isArray(query)
          ? query
          : query && typeof query === 'object' && Array.isArray((query as { nearest?: unknown }).nearest)
            ? (query as { nearest: number[] }).nearest
            : undefined;
        if (!vector || vector.some((x) => typeof x !== 'number'))
          throw new QdrantError(
            501,
            'the stand-in supports nearest-neighbour queries with a dense vector only',
          );
        if (body.prefetch != null || body.using != null)
          throw new QdrantError(501, 'prefetch and named vectors are not supported');
        if (vector.length !== c.size)
          throw new QdrantError(
            400,
            `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${vector.length}`,
          );
        const q = normalize(vector as number[]);
        const threshold = body.score_threshold as number | null | undefined;
        const scored = [...c.points.values()]
          .filter((p) => body.filter == null || matches(p, body.filter))
          .map((p) => ({ p, score: p.vector.reduce((s, x, i) => s + x * q[i], 0) }))
          .filter((s) => threshold == null || s.score >= threshold)
          .sort((a, b) => b.score - a.score || compareIds(a.p.id, b.p.id));
        const offset = (body.offset as number | null | undefined) ?? 0;
        const limit = (body.limit as number | null | undefined) ?? 10;
        return {
          points: scored.slice(offset, offset + limit).map(({ p, score }) => ({
            ...record(p, body.with_payload ?? false, body.with_vector ?? false),
            score,
            version: c.operationId,
          })),
        };
      }
      default:
        throw new QdrantError(501, `the stand-in does not implement ${op.operationId}`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      violations.push(`stand-in crashed: ${err.stack ?? err.message}`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: { error: err.message }, time: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    assertClean() {
      if (violations.length > 0)
        throw new Error(`Qdrant stand-in saw calls outside the spec:\n${violations.join('\n')}`);
    },
    payloads(name) {
      return new Map(
        [...(collections.get(name)?.points ?? new Map<string, Point>())].map(([k, p]) => [k, p.payload]),
      );
    },
    failNext(n) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function updated(c: Collection) {
  c.operationId++;
  return { operation_id: c.operationId, status: 'completed' };
}

function collectionInfo(c: Collection) {
  for (const [field, schema] of Object.entries(c.payloadSchema))
    schema.points = [...c.points.values()].filter((p) => p.payload[field] !== undefined).length;
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: 0,
    points_count: c.points.size,
    segments_count: 1,
    config: {
      params: {
        vectors: { size: c.size, distance: 'Cosine' },
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: {
        m: 16,
        ef_construct: 100,
        full_scan_threshold: 10000,
        max_indexing_threads: 0,
        on_disk: false,
      },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: 10000,
        flush_interval_sec: 5,
        max_optimization_threads: null,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
    },
    payload_schema: c.payloadSchema,
  };
}

function record(p: Point, withPayload: unknown, withVector: unknown) {
  let payload: Payload | null = null;
  if (withPayload === true) payload = p.payload;
  else if (Array.isArray(withPayload))
    payload = Object.fromEntries(Object.entries(p.payload).filter(([k]) => withPayload.includes(k)));
  else if (withPayload && withPayload !== false)
    throw new QdrantError(501, 'payload selectors are not supported');
  if (withVector !== false && withVector != null && withVector !== true)
    throw new QdrantError(501, 'named vector selection is not supported');
  return { id: p.id, payload, vector: withVector === true ? p.vector : null };
}

function idKey(id: unknown): string {
  return typeof id === 'string' ? id.toLowerCase() : String(id);
}

/** Qdrant orders integer ids before UUIDs. */
function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function normalize(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

type Condition = Record<string, unknown>;

function list(x: unknown): Condition[] {
  if (x == null) return [];
  return (Array.isArray(x) ? x : [x]) as Condition[];
}

function matches(p: Point, filter: unknown): boolean {
  const f = filter as { must?: unknown; should?: unknown; must_not?: unknown; min_should?: unknown };
  if (f.min_should != null) throw new QdrantError(501, 'min_should is not supported');
  const should = list(f.should);
  return (
    list(f.must).every((c) => condition(p, c)) &&
    (should.length === 0 || should.some((c) => condition(p, c))) &&
    !list(f.must_not).some((c) => condition(p, c))
  );
}

function condition(p: Point, c: Condition): boolean {
  if ('must' in c || 'should' in c || 'must_not' in c) return matches(p, c);
  if ('has_id' in c) return (c.has_id as unknown[]).some((id) => idKey(id) === idKey(p.id));
  if (typeof c.key === 'string' && c.match && typeof c.match === 'object') {
    const value = p.payload[c.key];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    const m = c.match as { value?: unknown; any?: unknown[]; except?: unknown[] };
    if ('value' in m) return values.includes(m.value);
    if (Array.isArray(m.any)) return values.some((v) => m.any!.includes(v));
    if (Array.isArray(m.except)) return values.length > 0 && values.every((v) => !m.except!.includes(v));
  }
  throw new QdrantError(501, `filter condition not supported by the stand-in: ${JSON.stringify(c)}`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
