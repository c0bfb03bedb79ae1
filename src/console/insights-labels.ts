/**
 * The words of the KPI page and the monthly service report, in English and Chinese (issue 14 items
 * 4 and 6), beside the console's own (labels.ts), and the names of the things the figures group by.
 */
import type { ConsoleLang } from './labels.ts';

export const INSIGHT_LABELS = {
  en: {
    filtersHint:
      'Severity, category and platform narrow the tickets; self-service and questions follow the platform only.',
    downloadCsv: 'Download CSV',
    monthlyReport: 'Monthly report',
    report: 'Monthly service report',
    downloadPdf: 'Download PDF',
    print: 'Print',
    period: 'Period',
    timeZone: 'Time zone',
    generated: 'Generated',
    previousMonth: 'Previous month',
    nextMonth: 'Next month',
    thisMonth: 'This month',
    figure: 'Figure',
    headline: 'Headline figures',
    charts: 'Charts',
    perDay: 'Tickets per day by severity',
    responseTimes: 'First response and time to resolve by severity (hours)',
    busiestHours: 'Busiest hours',
    hour: 'Hour',
    questions: 'Questions to the bot',
    topCategories: 'Top categories',
    handoffReasons: 'Why tickets were opened',
    reason: 'Reason',
    csatSpread: 'CSAT ratings',
    rating: 'Rating',
    hours: 'hours',
    day: 'Day',
    none: 'No tickets in this period.',
    truncated: 'More tickets than one report reads: the figures cover the first 50,000.',
    forbidden: 'Service insights are for HR admins, engineers and admins.',
    chartsNote: 'Each chart is followed by its figures in a table.',
    figures: 'Figures',
  },
  zh: {
    filtersHint: '严重级别、类别和渠道筛选工单；自助解决率和提问数只按渠道筛选。',
    downloadCsv: '下载 CSV',
    monthlyReport: '月度报告',
    report: '月度服务报告',
    downloadPdf: '下载 PDF',
    print: '打印',
    period: '统计周期',
    timeZone: '时区',
    generated: '生成时间',
    previousMonth: '上个月',
    nextMonth: '下个月',
    thisMonth: '本月',
    figure: '指标',
    headline: '核心指标',
    charts: '图表',
    perDay: '每日工单数（按严重级别）',
    responseTimes: '首次响应与解决时长（按严重级别，小时）',
    busiestHours: '繁忙时段',
    hour: '时段',
    questions: '向机器人提问数',
    topCategories: '工单最多的类别',
    handoffReasons: '转人工原因',
    reason: '原因',
    csatSpread: '满意度评分分布',
    rating: '评分',
    hours: '小时',
    day: '日期',
    none: '此期间没有工单。',
    truncated: '工单数超过单份报告的上限：指标只覆盖前 50,000 张。',
    forbidden: '服务指标仅供 HR 管理员、工程师和管理员查看。',
    chartsNote: '每张图表后附有数据表。',
    figures: '数据',
  },
} as const satisfies Record<ConsoleLang, Record<string, string>>;

export type InsightLabels = Record<keyof (typeof INSIGHT_LABELS)['en'], string>;

const REASONS: Record<ConsoleLang, Record<string, string>> = {
  en: {
    incident: 'Problem reported',
    request: 'Request',
    human: 'Asked for a person',
    question: 'Question the bot could not answer',
    smalltalk: 'Other',
  },
  zh: {
    incident: '报告故障',
    request: '服务请求',
    human: '要求人工',
    question: '机器人无法解答的问题',
    smalltalk: '其他',
  },
};

export const reasonName = (lang: ConsoleLang, intent: string) => REASONS[lang][intent] ?? intent;
