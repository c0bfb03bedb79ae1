/** The bot's own words, in both languages. Kept together so tone stays consistent. */
import type { Lang } from '../../knowledge/types.ts';

export const MESSAGES = {
  decline: {
    zh: '这个问题我暂时答不上来，知识库里没有找到可靠的答案。需要的话我可以为你开一个工单，请 HR/IT 同事跟进——回复“转人工”即可。',
    en: 'I don\'t know this one — I couldn\'t find a reliable answer in the knowledge base. I can open a ticket so someone from HR/IT follows up: just reply "talk to a human".',
  },
  clarify: {
    zh: '你好！我可以回答请假、考勤补卡、工资条与个税、五险一金、密码与 VPN、电脑设备、报销等问题。请直接描述你的问题，例如“怎么请年假？”',
    en: 'Hi! I can help with leave, attendance corrections, payslips and tax, benefits, passwords and VPN, laptops and expense claims. Just ask, for example "How do I request annual leave?"',
  },
  welcome: {
    zh: '不客气！还有别的问题随时问我。',
    en: "You're welcome! Ask me anything else any time.",
  },
  leadIn: {
    zh: (title: string) => `根据《${title}》：`,
    en: (title: string) => `From “${title}”:`,
  },
  seeAlso: { zh: '另见', en: 'See also' },
  buttons: {
    helpful: { zh: '👍 有帮助', en: '👍 Helpful' },
    notHelpful: { zh: '👎 没帮助', en: '👎 Not helpful' },
    human: { zh: '🙋 转人工', en: '🙋 Talk to a human' },
  },
} as const;

export function pick<T>(entry: Record<Lang, T>, lang: Lang): T {
  return entry[lang];
}
