/**
 * The web side of the fault tests: a runtime's chat API in-process (Hono `app.request`), the
 * knowledge bases the runtimes are given, and reads of what the pipeline recorded.
 */
import { pino } from 'pino';
import { expect } from 'vitest';
import type { ApiMessage } from '../../adapters/web/routes.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import type { OpenedKb } from '../../src/knowledge/open-kb.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { createApp } from '../../src/server/app.ts';
import type { Runtime } from '../../src/server/runtime.ts';
import type { Database } from '../../src/store/database.ts';

export const silent = () => pino({ level: process.env.TEST_LOG ?? 'silent' });

/** No passages: for runtimes whose assistant never runs (producers) or is replaced. */
export function emptyKb(): OpenedKb {
  return {
    kb: new KnowledgeBase([], { synonyms: DEFAULT_SYNONYMS }),
    summary: { files: 0, passages: 0, skipped: [] } as unknown as OpenedKb['summary'],
    dir: '',
    dense: false,
  };
}

/** The sample KB in kb/, as `helpline serve` opens it (lexical only). */
export async function sampleKb(): Promise<OpenedKb> {
  const { passages, summary } = await ingestKb('kb');
  return {
    kb: new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS }),
    summary,
    dir: 'kb',
    dense: false,
  };
}

export interface WebChat {
  send(userId: string, text: string, threadId?: string): Promise<{ threadId: string; messageId: string }>;
  messages(threadId: string): Promise<ApiMessage[]>;
}

/** The web chat API of `runtime` (what `helpline serve` mounts), called in-process. */
export function webChat(runtime: Runtime): WebChat {
  const app = createApp({ channels: runtime.channels, logger: silent() });
  return {
    async send(userId, text, threadId) {
      const res = await app.request('/api/chat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, text, ...(threadId ? { threadId } : {}) }),
      });
      const body = (await res.json()) as { threadId: string; messageId: string };
      expect(res.status, JSON.stringify(body)).toBe(202);
      return body;
    },
    async messages(threadId) {
      const res = await app.request(`/api/chat/threads/${threadId}/messages`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { messages: ApiMessage[] }).messages;
    },
  };
}

export interface DeliveryRow {
  key: string;
  status: string;
  attempts: number;
}

/** Delivery log rows whose key starts with `prefix` (e.g. `reply:<message id>`). */
export function deliveries(db: Database, prefix: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    'SELECT key, status, attempts FROM deliveries WHERE key LIKE $1 ORDER BY key',
    [`${prefix.replace(/[\\%_]/g, '\\$&')}%`],
  );
}

export function turnOutcomes(db: Database, messageId: string) {
  return db.query<{ outcome: string; reason: string | null }>(
    'SELECT outcome, reason FROM turn_outcomes WHERE message_id = $1',
    [messageId],
  );
}

/** Nothing waiting, running or delayed on the turn and delivery queues (watchdogs included). */
export async function pipelineIdle(runtime: Runtime): Promise<boolean> {
  const counts = await runtime.runner.counts();
  return (['inbound', 'outbound'] as const).every(
    (q) => counts[q].waiting + counts[q].active + counts[q].delayed === 0,
  );
}
