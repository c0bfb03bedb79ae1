/**
 * Which console actions a ticket's state allows, read from the lifecycle (src/tickets/lifecycle.ts
 * `allowedActions`), so the workspace shows only the buttons the server would accept: no Claim on a
 * resolved ticket, no Reopen on an open one. The lifecycle decides by status and tier alone, so the
 * whole answer is a small table, written into the console page in front of console.js; the policy
 * (who may work the ticket at all) still comes from the API (`canWork`).
 */
import { allowedActions, OPEN_STATUSES, TIERS, type TicketActionType } from '../tickets/lifecycle.ts';
import type { Ticket, TicketStatus, Tier } from '../tickets/types.ts';
import type { ConsoleAction } from './ticket-actions.ts';

/**
 * What the workspace can offer: the console's actions, and `wait` — a reply's "wait for the
 * employee's answer", which pauses the resolution clock of a claimed ticket (a reply to an
 * unclaimed one claims it first).
 */
export type WorkspaceAction = ConsoleAction | 'wait';

/** The lifecycle actions each console action needs, any one of them; none: any status. */
const NEEDS: Record<WorkspaceAction, readonly TicketActionType[]> = {
  claim: ['claim'],
  escalate: ['escalate'],
  resolve: ['resolve'],
  reopen: ['reopen'],
  override: ['override_severity'],
  wait: ['wait_on_employee', 'claim'],
  // A reply or a note adds to the ticket in any state; neither changes it.
  reply: [],
  note: [],
};

const STATUSES: readonly TicketStatus[] = [...OPEN_STATUSES, 'resolved', 'closed'];

/** The console actions `ticket`'s status and tier allow. */
export function workspaceActions(ticket: Pick<Ticket, 'status' | 'tier'>): WorkspaceAction[] {
  const allowed = allowedActions(ticket);
  return (Object.keys(NEEDS) as WorkspaceAction[]).filter(
    (a) => NEEDS[a].length === 0 || NEEDS[a].some((t) => allowed.includes(t)),
  );
}

/** `workspaceActions` for every status and tier: `[status][tier]` → actions, for the page script. */
export const WORKSPACE_ACTIONS: Record<TicketStatus, Record<Tier, WorkspaceAction[]>> = Object.fromEntries(
  STATUSES.map((status) => [
    status,
    Object.fromEntries(TIERS.map((tier) => [tier, workspaceActions({ status, tier })])),
  ]),
) as Record<TicketStatus, Record<Tier, WorkspaceAction[]>>;
