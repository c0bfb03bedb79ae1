/**
 * The updates posted to a mass incident's reporters (table incident_updates, migration 008). An
 * update is recorded once per (incident, key): a retried post finds the first one and does not write
 * its audit entries again; the caller delivers it again under the same delivery keys, which the
 * delivery log posts at most once.
 */
import type { Database } from '../store/database.ts';
import { writeEvents } from '../tickets/ticket-transactions.ts';
import type { NewTicketEvent } from '../tickets/types.ts';

export interface IncidentUpdate {
  id: number;
  incidentId: string;
  /** The page's idempotency key. */
  key: string;
  author: string;
  text: string;
  /** Reporters it went to when first posted. */
  reporters: number;
  createdAt: string;
}

interface Row {
  id: number | string;
  incident_id: string;
  key: string;
  author: string;
  text: string;
  reporters: number;
  created_at: string;
}

const fromRow = (r: Row): IncidentUpdate => ({
  id: Number(r.id),
  incidentId: r.incident_id,
  key: r.key,
  author: r.author,
  text: r.text,
  reporters: Number(r.reporters),
  createdAt: r.created_at,
});

export interface NewIncidentUpdate extends Omit<IncidentUpdate, 'id'> {
  /** Audit entries written with the update, in its transaction, only when this call records it. */
  events: NewTicketEvent[];
}

export class IncidentUpdates {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The update as stored: this one, or the one recorded earlier under the same key (`created` false). */
  record(update: NewIncidentUpdate): Promise<{ update: IncidentUpdate; created: boolean }> {
    return this.#db.transaction(async (tx) => {
      const inserted = await tx.query<Row>(
        `INSERT INTO incident_updates (incident_id, key, author, text, reporters, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (incident_id, key) DO NOTHING RETURNING *`,
        [update.incidentId, update.key, update.author, update.text, update.reporters, update.createdAt],
      );
      if (inserted[0]) {
        await writeEvents(tx, update.events);
        return { update: fromRow(inserted[0]), created: true };
      }
      const [earlier] = await tx.query<Row>(
        'SELECT * FROM incident_updates WHERE incident_id = $1 AND key = $2',
        [update.incidentId, update.key],
      );
      return { update: fromRow(earlier), created: false };
    });
  }

  /** Newest first. */
  async list(incidentId: string, limit = 200): Promise<IncidentUpdate[]> {
    const rows = await this.#db.query<Row>(
      'SELECT * FROM incident_updates WHERE incident_id = $1 ORDER BY id DESC LIMIT $2',
      [incidentId, limit],
    );
    return rows.map(fromRow);
  }
}
