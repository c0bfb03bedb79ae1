/**
 * A ticket's category (DESIGN §4) and status in the words of the person reading it: one table for
 * replies, the web chat's ticket box and the console, so "waiting_l2" never reaches an employee.
 * `statuses` speak to the employee ("waiting for you"); `staffStatuses` are the few that read
 * otherwise to the engineers in the console, and fall back to `statuses`.
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
    staffStatuses: { waiting_employee: '等待员工回复' } as Record<string, string>,
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
    staffStatuses: { waiting_employee: 'waiting on the employee' } as Record<string, string>,
  },
} as const;
