/**
 * Finding mass incidents: root tickets (linked to no parent) that other reports are linked to,
 * open ones first by severity and age (the oldest P0 on top), then the resolved ones, latest first.
 */
import { HelplineError } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { isOpen } from '../tickets/lifecycle.ts';
import { TICKET_SELECT, type TicketRow, toTicket } from '../tickets/ticket-rows.ts';
import type { Ticket } from '../tickets/types.ts';

/** Incidents with at least one linked report, in list order; at most `limit` (open ones kept first). */
export async function incidentParents(db: Database, limit: number): Promise<Ticket[]> {
  const rows = await db.query<TicketRow>(
    `${TICKET_SELECT} WHERE t.parent_id IS NULL AND EXISTS (SELECT 1 FROM tickets c WHERE c.parent_id = t.id)
     ORDER BY t.status IN ('new', 'waiting_l2', 'claimed', 'waiting_employee') DESC, t.created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toTicket).sort(incidentOrder);
}

/** Open before resolved; open: more severe, then older first; resolved: latest first. */
function incidentOrder(a: Ticket, b: Ticket): number {
  const open = Number(isOpen(b.status)) - Number(isOpen(a.status));
  if (open) return open;
  if (isOpen(a.status)) {
    return a.severity.localeCompare(b.severity) || a.createdAt.localeCompare(b.createdAt);
  }
  return (b.resolvedAt ?? b.updatedAt).localeCompare(a.resolvedAt ?? a.updatedAt);
}

/** How many incidents a list or a picker shows. */
export const INCIDENT_LIST_LIMIT = 200;

export const noIncident = (idOrNumber: string) =>
  new HelplineError(
    'TICKET_NOT_FOUND',
    `There is no incident ${idOrNumber.slice(0, 40)} that you can see; check the number (like HL-1042).`,
  );
