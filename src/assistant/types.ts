/** What one assistant turn takes and gives, independent of any chat platform. */
import type { Lang } from '../knowledge/types.ts';

export interface Citation {
  /** 1-based number used in the answer text as [n]. */
  n: number;
  source: string;
  title: string;
  heading: string;
  url?: string;
}

export type ReplyAction = 'answered' | 'clarify' | 'ticket';

export interface TicketRef {
  id: string;
  /** Human-friendly number shown to people, e.g. "HL-1042". */
  number: string;
  severity: 'P0' | 'P1' | 'P2' | 'P3';
  category: string;
  status: string;
  /** ISO time of the first-response deadline. */
  firstResponseDue?: string;
}

export interface BotReply {
  action: ReplyAction;
  /** The text shown to the employee, in the employee's language. */
  text: string;
  lang: Lang;
  citations: Citation[];
  /** Suggested buttons; adapters render them (web: buttons, Slack: Block Kit, Lark: card). */
  buttons: ReplyButton[];
  ticket?: TicketRef;
}

export interface ReplyButton {
  /** Stable action id, e.g. 'feedback_up', 'feedback_down', 'handoff'. */
  action: string;
  label: string;
  value?: string;
}

export interface Turn {
  userId: string;
  threadId: string;
  text: string;
  /** The stored message this turn answers, when there is one (keys what the turn records). */
  messageId?: string;
}

export interface Assistant {
  reply(turn: Turn): Promise<BotReply>;
  /**
   * A message in a thread whose ticket is bridged to an engineer (relayed, not answered): re-triages
   * the thread's open ticket. The reply telling the employee the raised severity and new target, or
   * undefined when nothing changed.
   */
  retriage?(turn: Turn): Promise<BotReply | undefined>;
}
