/**
 * What reporters of a mass incident read on their own channel (DESIGN §2 flow 8), in their
 * language: an engineer's update, the resolution (with the usual rating prompt of a resolved
 * ticket), being linked to or taken off an incident; and the line under the incident's triage card.
 */
export const INCIDENT_TEXTS = {
  en: {
    update: (incident: string, text: string) =>
      `Update on the problem you reported (incident ${incident}): ${text}`,
    resolved: (incident: string, own: string, note: string | undefined) =>
      `The problem you reported (incident ${incident}) is resolved${note ? `: ${note}` : '.'}` +
      `${own === incident ? '' : ` Your ticket ${own} is marked resolved.`} Solved? Rate 1–5, or say not solved.`,
    unlinked: (own: string) =>
      `Your ticket ${own} turned out to be a different problem and is handled on its own; an engineer will pick it up.`,
    triageUpdate: (who: string, reporters: number, text: string) =>
      `📣 ${who} sent an update to ${reporters} reporter${reporters === 1 ? '' : 's'}: ${text}`,
  },
  zh: {
    update: (incident: string, text: string) => `你反馈的问题有新进展（事件 ${incident}）：${text}`,
    resolved: (incident: string, own: string, note: string | undefined) =>
      `你反馈的问题（事件 ${incident}）已解决${note ? `：${note}` : '。'}` +
      `${own === incident ? '' : `你的工单 ${own} 已标记为已解决。`}问题解决了吗？请打分 1–5，或选择“未解决”。`,
    unlinked: (own: string) => `你的工单 ${own} 经核实是另一个问题，将单独处理，工程师会尽快跟进。`,
    triageUpdate: (who: string, reporters: number, text: string) =>
      `📣 ${who} 已向 ${reporters} 位反馈人发送进展：${text}`,
  },
} as const;
