/**
 * A company-wide phrase that does not say the company is affected: whose data someone can see
 * ("I can view everyone's salaries", "全员薪资查看权限"), a condition ("if it lapses nobody can sign in"),
 * or the object of something the writer alone cannot do ("I can't see everyone's schedule").
 */
import { wb } from './signal-types.ts';

const WRITER_CANNOT = wb(
  /(?:\b(?:i|i'm|i am)\b[^.,;!?]{0,20}\b(?:can't|cant|cannot|can not|couldn't|unable|don't|do not)\b|我(?!们)[^，。,.;；!！?？]{0,6}(?:看不到|看不了|打不开|没法|不能|无法|找不到))[^.,;!?。，；！？]*$/u,
);

const DATA_AFTER = wb(
  /^(?:'s|s'|的)?\s*(?:薪资|工资|薪酬|数据|信息|资料|名单|花名册|身份证|银行卡|绩效|档案|考勤数据|排班|日程|schedules?|salar(?:y|ies)|pay data|data|info|records|details|personal|payslips?|ssns?|files?|calendars?)/u,
);
const ACCESS_NEAR = wb(
  /查看|权限|访问|看到|能看|可见|导出|下载|\b(?:see|view|access|visible|export|download|read|open)\w*/u,
);
/**
 * The company phrase names whose data someone can see, not who is affected: "全员薪资查看权限",
 * "I can view everyone's salaries". ("全员的工资没到账" is everyone affected.)
 */
function dataOf(norm: string, phrase: string): boolean {
  const at = norm.indexOf(phrase);
  if (at < 0) return false;
  const data = DATA_AFTER.exec(norm.slice(at + phrase.length));
  if (!data) return false;
  const end = at + phrase.length + data[0].length;
  return ACCESS_NEAR.test(norm.slice(Math.max(0, at - 12), at)) || ACCESS_NEAR.test(norm.slice(end, end + 8));
}

const CONDITION = wb(
  /(?:如果|假如|万一|要是|一旦|否则|\bif\b|\bunless\b|\botherwise\b|\bonce\b)[^。.!！?？;；]*$/u,
);
/** The company phrase sits in a condition: what would happen, not what has. */
function conditional(norm: string, phrase: string): boolean {
  const at = norm.indexOf(phrase);
  return at > 0 && CONDITION.test(norm.slice(Math.max(0, at - 60), at));
}

/** The company phrase is the object of something the writer alone cannot do. */
function objectOfWriter(norm: string, phrase: string): boolean {
  const at = norm.indexOf(phrase);
  return at > 0 && WRITER_CANNOT.test(norm.slice(0, at));
}

/** The company phrase names someone's data, a condition, or what the writer alone cannot do. */
export function notAffected(norm: string, phrase: string): boolean {
  return objectOfWriter(norm, phrase) || dataOf(norm, phrase) || conditional(norm, phrase);
}
