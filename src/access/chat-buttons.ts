/** The policy behind the triage card's and the employee's buttons on Lark and Slack. */
import type { HandoffDeps } from '../handoff/actions.ts';
import { userKey } from '../inbound/thread-ids.ts';
import type { People } from './people.ts';
import { ticketDecision } from './policy.ts';

/**
 * The chat buttons (claim, escalate, resolve; rate, "not solved") ask the same policy as the API:
 * the clicker's role comes from config by their user key (or a linked identity). Tickets record
 * a clicker by their platform id, so that form counts as theirs too.
 */
export function chatButtonPolicy(people: People): HandoffDeps['authorize'] {
  return async (event, action, ticket) => {
    const p = await people.principal(userKey(event));
    const decision = ticketDecision({ ...p, aliases: [...p.aliases, event.user] }, action, ticket);
    if (decision.allowed) return { allowed: true };
    const hint =
      action === 'work' && p.role === 'employee'
        ? ' An admin can give you a role with `roles` in helpline.config.yaml (e.g. "slack:U123": l2).'
        : '';
    return { allowed: false, reason: `${decision.reason}${hint}` };
  };
}
