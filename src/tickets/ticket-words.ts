/**
 * A ticket's category (DESIGN §4) and status in the words of the person reading it: one table for
 * replies, the web chat's ticket box and the console, so "waiting_l2" never reaches an employee.
 */
export const TICKET_WORDS = {
  zh: {
    categories: {
      leave: '假期',
      attendance: '考勤',
      payroll: '薪资',
      benefits: '福利',
      account: '账号',
      device: '设备',
      org_change: '组织与审批',
      report: '报表',
      integration: '系统集成',
      security: '信息安全',
      other: '其他',
    },
    statuses: {
      new: '新建',
      waiting_l2: '等待工程师',
      claimed: '处理中',
      waiting_employee: '等你回复',
      resolved: '已解决',
      closed: '已关闭',
    },
  },
  en: {
    categories: { org_change: 'org change' } as Record<string, string>,
    statuses: {
      new: 'new',
      waiting_l2: 'waiting for an engineer',
      claimed: 'in progress',
      waiting_employee: 'waiting for you',
      resolved: 'resolved',
      closed: 'closed',
    },
  },
} as const;
