/**
 * What a message calls for (DESIGN §2): a greeting, an answer from the KB, a ticket (incidents and
 * requests), or a handoff to a human (the employee asked for one).
 */
import type { TriageResult } from '../triage/types.ts';
import { isSmallTalk, isThanks } from './small-talk.ts';

export type Route = 'greet' | 'answer' | 'ticket' | 'handoff';

export function routeMessage(text: string, triage: TriageResult): Route {
  if (isSmallTalk(text)) return 'greet';
  switch (triage.intent) {
    case 'human':
      return 'handoff';
    case 'incident':
    case 'request':
      return 'ticket';
    case 'smalltalk':
      // The classifier hears "thanks, that fixed it" as small talk; anything longer is tried as a question.
      return text.trim().length <= 20 || isThanks(text) ? 'greet' : 'answer';
    default:
      return 'answer';
  }
}
