/**
 * The VectorIndex on Qdrant (QDRANT_URL): one collection per KB, cosine distance, keyword payload
 * indexes on `lang`, `source` and `category` for filtered search. The collection is created on the
 * first upsert (its size is the first vector's length) and recreated when the embedding size
 * changes (a new model: every point id changes anyway). Concurrency: several processes may sync
 * the same KB at once; every write is idempotent (same id, same vector) and a lost race to create
 * the collection is taken as success.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { HelplineError } from '../errors.ts';
import { maskUrl, maskUrlsIn } from '../util/mask-url.ts';
import type { VectorFilter, VectorHit, VectorIndex, VectorPayload, VectorPoint } from './vector-index.ts';

export interface QdrantIndexOptions {
  url: string;
  apiKey?: string;
  collection: string;
  /** Points per upsert request. @defaultValue 256 */
  batchSize?: number;
  /** Per-request timeout in ms. @defaultValue 10000 */
  timeoutMs?: number;
}

const INDEXED_FIELDS = ['lang', 'source', 'category'] as const satisfies readonly (keyof VectorPayload)[];
const SCROLL_PAGE = 1000;

export class QdrantVectorIndex implements VectorIndex {
  readonly label: string;
  readonly collection: string;
  private readonly client: QdrantClient;
  private readonly batchSize: number;
  /** The vector size of the collection once known to exist; undefined: look it up. */
  private size: number | undefined;
  /** The collection was seen or made by this process: from then on it must stay there. */
  private present = false;

  constructor(options: QdrantIndexOptions) {
    this.collection = options.collection;
    this.batchSize = options.batchSize ?? 256;
    this.label = `Qdrant at ${maskUrl(options.url)}, collection ${options.collection}`;
    this.client = new QdrantClient({
      url: options.url,
      // As a header rather than `apiKey`: the client would print a console warning for http URLs,
      // which are normal inside a cluster network.
      headers: options.apiKey ? { 'api-key': options.apiKey } : undefined,
      timeout: options.timeoutMs ?? 10_000,
      // The version probe only warns on the console; readiness reports reachability instead.
      checkCompatibility: false,
    });
  }

  async ids(): Promise<Set<string>> {
    const ids = new Set<string>();
    if (!(await this.exists())) return ids;
    let offset: string | number | undefined;
    do {
      const page = await this.call('list points', () =>
        this.client.scroll(this.collection, {
          limit: SCROLL_PAGE,
          offset,
          with_payload: false,
          with_vector: false,
        }),
      );
      for (const p of page.points) ids.add(String(p.id));
      offset = (page.next_page_offset ?? undefined) as string | number | undefined;
    } while (offset !== undefined);
    return ids;
  }

  async upsert(points: VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.ensureCollection(points[0].vector.length);
    for (let i = 0; i < points.length; i += this.batchSize) {
      const batch = points.slice(i, i + this.batchSize);
      await this.call('upsert points', () =>
        this.client.upsert(this.collection, {
          wait: true,
          points: batch.map((p) => ({ id: p.id, vector: p.vector, payload: payloadOf(p.payload) })),
        }),
      );
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0 || !(await this.exists())) return;
    for (let i = 0; i < ids.length; i += this.batchSize) {
      const batch = ids.slice(i, i + this.batchSize);
      await this.call('delete points', () =>
        this.client.delete(this.collection, { wait: true, points: batch }),
      );
    }
  }

  async search(vector: number[], k: number, filter?: VectorFilter): Promise<VectorHit[]> {
    if (!this.present && !(await this.exists())) return [];
    const res = await this.call('search', () =>
      this.client.query(this.collection, {
        query: vector,
        limit: k,
        filter: qdrantFilter(filter),
        with_payload: false,
        with_vector: false,
      }),
    );
    return res.points
      .map((p) => ({ id: String(p.id), score: p.score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Qdrant answers, the key is accepted, and the collection (once there) is still there and not failed. */
  async ready(): Promise<void> {
    const { exists } = await this.call('readiness', () => this.client.collectionExists(this.collection));
    if (!exists) {
      if (!this.present) return;
      throw new HelplineError(
        'VECTORS_UNAVAILABLE',
        `Qdrant has lost collection ${this.collection} (a restart without its storage volume?); searches are lexical until it is rebuilt: run \`helpline ingest\` or restart a Helpline process`,
      );
    }
    const info = await this.call('readiness', () => this.client.getCollection(this.collection));
    if (info.status === 'red') {
      throw new HelplineError(
        'VECTORS_UNAVAILABLE',
        `Qdrant reports collection ${this.collection} as red (an operation failed); see Qdrant's log, or delete the collection and restart to rebuild it`,
      );
    }
  }

  private async exists(): Promise<boolean> {
    const { exists } = await this.call('check collection', () =>
      this.client.collectionExists(this.collection),
    );
    if (!exists) this.size = undefined;
    this.present = exists;
    return exists;
  }

  private async ensureCollection(size: number): Promise<void> {
    if (this.size === size) return;
    if (await this.exists()) {
      const info = await this.call('read collection', () => this.client.getCollection(this.collection));
      const vectors = info.config.params.vectors as { size?: number } | undefined;
      if (vectors?.size === size) {
        this.size = size;
        return;
      }
      // Another embedding model: no old vector can be compared with a new one.
      await this.call('drop collection', () => this.client.deleteCollection(this.collection));
    }
    try {
      await this.client.createCollection(this.collection, { vectors: { size, distance: 'Cosine' } });
    } catch (err) {
      // Another process created it first: fine, as long as it exists now.
      if (!(await this.exists())) throw unavailable('create collection', err);
    }
    for (const field of INDEXED_FIELDS) {
      await this.call('create payload index', () =>
        this.client.createPayloadIndex(this.collection, {
          field_name: field,
          field_schema: 'keyword',
          wait: true,
        }),
      );
    }
    this.size = size;
    this.present = true;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw unavailable(what, err);
    }
  }
}

function payloadOf(p: VectorPayload): Record<string, string> {
  const out: Record<string, string> = { passage: p.passage, source: p.source, lang: p.lang };
  if (p.category !== undefined) out.category = p.category;
  return out;
}

function qdrantFilter(filter: VectorFilter | undefined) {
  const must = Object.entries(filter ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, match: { value: value as string } }));
  return must.length > 0 ? { must } : undefined;
}

function unavailable(what: string, err: unknown): HelplineError {
  const e = err as { status?: number; message?: string; data?: { status?: { error?: string } } };
  const detail = e.data?.status?.error ?? e.message ?? String(err);
  const hint =
    e.status === 401 || e.status === 403
      ? 'check QDRANT_API_KEY'
      : 'check that Qdrant at QDRANT_URL is running and reachable from this host';
  return new HelplineError('VECTORS_UNAVAILABLE', `Qdrant ${what} failed (${maskUrlsIn(detail)}); ${hint}`, {
    cause: err,
  });
}
