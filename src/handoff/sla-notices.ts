/**
 * SLA warnings and breaches in chat (DESIGN §2 flow 6): the notice goes into the ticket's triage
 * thread (naming the assignee when there is one) and the card is re-rendered with the new state.
 * Keyed by the notice's own key, so a redelivered timer never posts twice.
 */

import type { Deliver } from '../delivery/delivery.ts';
import type { Lang } from '../knowledge/types.ts';
import type { SlaNotice } from '../sla-timers/index.ts';
import { employeeLang, type Handoff } from './actions.ts';
import { type ThreadLinks, type ThreadPlatform, threadOf } from './thread-links.ts';

export interface SlaNotifierDeps {
  links: ThreadLinks;
  deliver: Deliver;
  handoff: Pick<Handoff, 'refreshCard'>;
  triageLang?: Lang;
  nameOf?: (platform: ThreadPlatform, userId: string) => Promise<string | undefined>;
}

const CLOCK = {
  en: { first_response: 'first response', resolution: 'resolution' },
  zh: { first_response: '首次响应', resolution: '解决' },
} as const;

export function slaNoticeText(n: SlaNotice, lang: Lang, assignee?: string): string {
  const clock = CLOCK[lang][n.clock.kind as keyof (typeof CLOCK)['en']] ?? n.clock.kind;
  const number = n.ticket.number;
  if (n.kind === 'sla_warning') {
    return lang === 'zh'
      ? `⏰ SLA 预警：${number} 的${clock}时限已用去 75%${assignee ? `（处理人 ${assignee}）` : '，仍无人认领'}。`
      : `⏰ SLA warning: 75% of ${number}'s ${clock} time is used${assignee ? ` (assignee ${assignee})` : ' and nobody has claimed it'}.`;
  }
  const moved = n.escalation ? `${n.escalation.from} → ${n.escalation.to}` : '';
  return lang === 'zh'
    ? `🚨 SLA 违约：${number} 的${clock}已超时${moved ? `，已升级 ${moved}` : ''}。`
    : `🚨 SLA breached: ${number}'s ${clock} deadline has passed${moved ? `; escalated ${moved}` : ''}.`;
}

/** The `notify` of the SLA timers when chat platforms are configured. */
export function createSlaNotifier(deps: SlaNotifierDeps): (n: SlaNotice) => Promise<void> {
  return async (n) => {
    const { triage } = await deps.links.byTicket(n.ticket.id);
    if (!triage) return;
    const lang = deps.triageLang ?? employeeLang(n.ticket);
    const assignee = n.ticket.assigneeId
      ? ((await deps.nameOf?.(triage.platform, n.ticket.assigneeId)) ?? n.ticket.assigneeId)
      : undefined;
    await deps.deliver({
      key: n.key,
      platform: triage.platform,
      channel: triage.chat,
      ...threadOf(triage),
      body: { text: slaNoticeText(n, lang, assignee), lang },
    });
    await deps.handoff.refreshCard(n.ticket);
  };
}
