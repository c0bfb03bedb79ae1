import type { Database, Queryable } from '../../src/store/database.ts';
import type { OpenTicketInput } from '../../src/tickets/ticket-service.ts';
import type { NewTicketRecord } from '../../src/tickets/ticket-store.ts';

export function record(overrides: Partial<NewTicketRecord> = {}): NewTicketRecord {
  return {
    title: '打卡系统进不去 / cannot clock in',
    status: 'waiting_l2',
    severity: 'P1',
    category: 'attendance',
    intent: 'incident',
    rationale: 'scope: 上海办公室; core function down',
    signals: [{ name: 'scope', match: '上海办公室', effect: 'P1' }],
    sensitive: false,
    sensitiveReason: null,
    tier: 'L2',
    requesterId: 'emp1',
    threadId: 'web:th1',
    transcript: [
      { author: 'user', text: '打卡系统进不去', at: '2025-03-03T00:59:00.000Z' },
      {
        author: 'bot',
        text: '我不确定 [1]',
        citations: [{ n: 1, source: 'kb/考勤.md', title: '考勤', heading: '补卡' }],
      },
    ],
    ...overrides,
  };
}

export function openInput(overrides: Partial<OpenTicketInput> = {}): OpenTicketInput {
  return {
    title: 'Payslip missing overtime',
    severity: 'P2',
    category: 'attendance',
    intent: 'incident',
    rationale: 'one person; data mismatch',
    signals: [{ name: 'data_mismatch', match: 'missing overtime' }],
    requesterId: 'emp1',
    threadId: 'slack:C1:171.1',
    ...overrides,
  };
}

/** A one-shot meeting point: the first `parties` arrivals wait for each other, later ones pass. */
export function barrier(parties: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === parties) open();
    if (arrived <= parties) await opened;
  };
}

const CLAIM_UPDATE = /^\s*UPDATE tickets SET status = 'claimed'/;

/**
 * A Database that makes claims race for real. 'inside': each claim transaction waits, after BEGIN
 * and before its conditional UPDATE, until the other has got there too (PostgreSQL: both UPDATEs
 * then meet on the row lock). 'before': each transaction waits before it begins (PGlite runs
 * transactions one at a time, so both must have read the ticket already). Counts claim UPDATEs
 * that matched no row, i.e. lost races.
 */
export function racingDatabase(db: Database, meet: () => Promise<void>, where: 'inside' | 'before') {
  const stats = { lost: 0 };
  const wrapTx = (tx: Queryable): Queryable => ({
    exec: (sql) => tx.exec(sql),
    async query<T>(sql: string, params?: unknown[]) {
      const claim = CLAIM_UPDATE.test(sql);
      if (claim && where === 'inside') await meet();
      const rows = await tx.query<T>(sql, params);
      if (claim && rows.length === 0) stats.lost += 1;
      return rows;
    },
  });
  const racing: Database = {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    async transaction(fn) {
      if (where === 'before') await meet();
      return db.transaction((tx) => fn(wrapTx(tx)));
    },
  };
  return { db: racing, stats };
}
