/**
 * What we posted, by idempotency key (table `deliveries`, migration 002). The delivery job asks it
 * before every send: a key recorded as sent is never posted again, which is how a retried job
 * avoids a double post on platforms with no idempotency field of their own (Slack, our web chat).
 *
 * The remaining window: a worker that dies after the platform accepted the message but before
 * `recordSent` leaves the key `pending`; the retry cannot tell "posted" from "not posted". Such an
 * attempt is reported as `uncertain` once its claim lapses, and the job then asks the deliverer's
 * optional `lookup`, or posts again (at-least-once). Lark closes the window at the platform: the
 * key goes in the `uuid` field, and Lark posts one message per uuid within an hour.
 *
 * A claim also keeps two workers from sending one key at the same time (a job a stalled worker
 * still runs while BullMQ hands it to another): the second sees `busy` until the first records
 * an outcome or its claim lapses.
 */

import type { OutboundMessage } from '../inbound/ports.ts';
import { type Database, jsonParam } from '../store/database.ts';

export type DeliveryStatus = 'pending' | 'sent' | 'dead';

export type DeliveryTarget = Pick<OutboundMessage, 'key' | 'platform' | 'channel'>;

export interface DeliveryRecord {
  key: string;
  platform: OutboundMessage['platform'];
  channel: string;
  ref?: string;
  status: DeliveryStatus;
  attempts: number;
  error?: string;
  /** The message, for dead letters (to replay it: `enqueueDelivery(runner, record.message)`). */
  message?: OutboundMessage;
  createdAt: string;
  updatedAt: string;
}

export type ClaimResult =
  /** This caller may send. `uncertain`: an earlier attempt ended without an outcome (a crash). */
  | { state: 'claimed'; attempts: number; uncertain: boolean }
  /** Already posted: do not send; `ref` is the platform's reference. */
  | { state: 'sent'; ref: string }
  /** Another attempt holds the key for `retryInMs` more. */
  | { state: 'busy'; retryInMs: number };

export interface DeliveryLog {
  /** The platform reference when `key` was sent, else undefined. */
  sentRef(key: string): Promise<string | undefined>;
  /**
   * Starts an attempt: counts it and holds the key for the claim time. A dead key is revived (an
   * operator replaying it).
   */
  claimSend(target: DeliveryTarget): Promise<ClaimResult>;
  /** The attempt posted the message as `ref`: the key is done for good. */
  recordSent(key: string, ref: string): Promise<void>;
  /** The attempt failed and will be retried: frees the key and keeps the error. */
  release(key: string, error: string): Promise<void>;
  /** The attempt never reached the platform (our own rate limit): frees the key, uncounted. */
  unclaim(key: string): Promise<void>;
  /** Gave up: keeps the message and the error as a dead letter. */
  recordDead(msg: OutboundMessage, error: string): Promise<void>;
  get(key: string): Promise<DeliveryRecord | undefined>;
  /** Dead letters, most recent first. @defaultValue limit 50 */
  listDead(limit?: number): Promise<DeliveryRecord[]>;
}

export interface SqlDeliveryLogOptions {
  db: Database;
  /** @defaultValue () => new Date() */
  now?: () => Date;
  /**
   * How long an attempt holds its key. Longer than a send can take (client timeouts included);
   * after it a crashed attempt's key is free again and reported `uncertain`. @defaultValue 60000
   */
  claimMs?: number;
}

interface Row {
  key: string;
  platform: OutboundMessage['platform'];
  channel: string;
  ref: string | null;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  message: OutboundMessage | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'key, platform, channel, ref, status, attempts, error, message, claimed_until, created_at, updated_at';

/** The DeliveryLog on the Database seam (PGlite or PostgreSQL). */
export class SqlDeliveryLog implements DeliveryLog {
  readonly #db: Database;
  readonly #now: () => Date;
  readonly #claimMs: number;

  constructor(options: SqlDeliveryLogOptions) {
    this.#db = options.db;
    this.#now = options.now ?? (() => new Date());
    this.#claimMs = options.claimMs ?? 60_000;
  }

  async sentRef(key: string): Promise<string | undefined> {
    const rows = await this.#db.query<{ ref: string }>(
      "SELECT ref FROM deliveries WHERE key = $1 AND status = 'sent'",
      [key],
    );
    return rows[0]?.ref;
  }

  async claimSend(target: DeliveryTarget): Promise<ClaimResult> {
    const now = this.#now();
    const until = new Date(now.getTime() + this.#claimMs);
    // One statement, so two workers cannot both claim: the upsert locks the row and re-checks its
    // WHERE on the latest version. `uncertain`: the row was pending with a claim never released
    // (read from the statement's snapshot; under a race it may be stale, which only affects the hint).
    const claimed = await this.#db.query<{ attempts: number; uncertain: boolean | null }>(
      `WITH previous AS (SELECT status, claimed_until FROM deliveries WHERE key = $1)
       INSERT INTO deliveries AS d (key, platform, channel, status, attempts, claimed_until, created_at, updated_at)
       VALUES ($1, $2, $3, 'pending', 1, $4, $5, $5)
       ON CONFLICT (key) DO UPDATE
         SET status = 'pending', attempts = d.attempts + 1, claimed_until = $4, updated_at = $5
         WHERE d.status <> 'sent' AND (d.claimed_until IS NULL OR d.claimed_until <= $5)
       RETURNING attempts,
         (SELECT p.status = 'pending' AND p.claimed_until IS NOT NULL FROM previous p) AS uncertain`,
      [target.key, target.platform, target.channel, until.toISOString(), now.toISOString()],
    );
    if (claimed[0]) {
      return { state: 'claimed', attempts: claimed[0].attempts, uncertain: claimed[0].uncertain === true };
    }
    const row = await this.#row(target.key);
    if (row?.status === 'sent') return { state: 'sent', ref: row.ref! };
    const left = row?.claimed_until ? new Date(row.claimed_until).getTime() - now.getTime() : 0;
    return { state: 'busy', retryInMs: Math.max(1, left) };
  }

  async recordSent(key: string, ref: string): Promise<void> {
    await this.#db.query(
      `UPDATE deliveries SET status = 'sent', ref = $2, error = NULL, message = NULL, claimed_until = NULL, updated_at = $3
       WHERE key = $1`,
      [key, ref, this.#now().toISOString()],
    );
  }

  async release(key: string, error: string): Promise<void> {
    await this.#db.query(
      `UPDATE deliveries SET error = $2, claimed_until = NULL, updated_at = $3
       WHERE key = $1 AND status = 'pending'`,
      [key, error, this.#now().toISOString()],
    );
  }

  async unclaim(key: string): Promise<void> {
    await this.#db.query(
      `UPDATE deliveries SET attempts = greatest(attempts - 1, 0), claimed_until = NULL, updated_at = $2
       WHERE key = $1 AND status = 'pending' AND claimed_until IS NOT NULL`,
      [key, this.#now().toISOString()],
    );
  }

  async recordDead(msg: OutboundMessage, error: string): Promise<void> {
    const now = this.#now().toISOString();
    await this.#db.query(
      `INSERT INTO deliveries AS d (key, platform, channel, status, attempts, error, message, created_at, updated_at)
       VALUES ($1, $2, $3, 'dead', 0, $4, $5::jsonb, $6, $6)
       ON CONFLICT (key) DO UPDATE
         SET status = 'dead', error = $4, message = $5::jsonb, claimed_until = NULL, updated_at = $6
         WHERE d.status <> 'sent'`,
      [msg.key, msg.platform, msg.channel, error, jsonParam(msg), now],
    );
  }

  async get(key: string): Promise<DeliveryRecord | undefined> {
    const row = await this.#row(key);
    return row && toRecord(row);
  }

  async listDead(limit = 50): Promise<DeliveryRecord[]> {
    const rows = await this.#db.query<Row>(
      `SELECT ${COLUMNS} FROM deliveries WHERE status = 'dead' ORDER BY updated_at DESC, key LIMIT $1`,
      [limit],
    );
    return rows.map(toRecord);
  }

  async #row(key: string): Promise<Row | undefined> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE key = $1`, [key]);
    return rows[0];
  }
}

function toRecord(row: Row): DeliveryRecord {
  const record: DeliveryRecord = {
    key: row.key,
    platform: row.platform,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.ref !== null) record.ref = row.ref;
  if (row.error !== null) record.error = row.error;
  if (row.message !== null) record.message = row.message;
  return record;
}
