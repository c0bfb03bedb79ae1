/** Security signals, in combinations: a leak needs data nearby, a compromise needs an account. */
import { type DetectedSignal, wb } from './signal-types.ts';

export const ESCALATE = wb(/^\s*(?:\/helpline\s+)?escalate\s*[:：]/u);

// Data that must not leave the company, and words saying it has left or is open to anyone.
const SENSITIVE_DATA = wb(
  /数据|资料|名单|文件|身份证|银行卡|银行账号|卡号|手机号|家庭住址|住址|护照|工资表|薪资表|薪酬|工资单|薪资数据|工资明细|个人信息|员工信息|候选人|简历|花名册|客户资料|员工数据|数据库|备份|\b(?:ssns?|social security|tax ids?|passports?|bank (?:details|info|account)s?|salar(?:y|ies) (?:data|spreadsheet|file|details|sheet|list)|(?:candidate|employee|personnel|customer) records|personal (?:data|info)|employee (?:records|data|database|info|files)|pii|payslips|credentials|passwords|home address(?:es)?|database|backup)\b/u,
);
const EXPOSURE = wb(
  /泄露|(?<!内存)泄漏|外泄|外流|流出|曝光|公网|外网|外部(?:群|的)?|公开(?:分享|了|链接)|任何人(?:都)?(?:可以|可|能)(?:访问|打开|看)|外部(?:也)?能(?:打开|访问|看)|拷走|被下载|批量(?:导出|下载)|导了.{0,3}[万千]条|贩卖|在卖|网上卖|不用登录|无需登录|不用鉴权|谁都能|任何人都能|都能看到|群发发错|发到.{0,8}群|\b(?:leak(?:ed|s|ing)?(?! memory)|exposed|exposure|publicly|public link|open to the internet|indexed|exfiltrat\w*|stolen|dumped|for sale|selling|shared externally|without (?:login|auth\w*)|anyone can (?:see|view|access)|breach(?:ed)?|mass (?:downloads?|exports?)|bulk (?:export|download)\w*|posted (?:in|on|to) (?:a )?public|(?:in|on) a public (?:folder|drive|link|share|bucket|page)|anyone with the link|public (?:slack|channel|group|community|site|repo|forum)|accessed by (?:an? )?(?:unauthori[sz]ed|unknown|third)|unauthori[sz]ed (?:party|parties|third part(?:y|ies)))\b/u,
);
const BREACH_ALONE = wb(
  /数据泄露|信息泄露|勒索(?:病毒|软件)|文件(?:都|全)?被加密|黑客|入侵|\b(?:data (?:leak|breach)|were breached|was breached|ransomware|password spraying|files (?:are|were|got) encrypted|exfiltrat\w*|attacker|intrusion|credential[- ]stuffing|brute[- ]force|botnet|mass (?:download|compromise))\b/u,
);

// Someone else acting as the user. Strong phrases stand alone; "it wasn't me" needs an account,
// credential or money-routing change nearby, or "my dependent was removed, I didn't ask" would count.
const COMPROMISE_STRONG = wb(
  /被盗|盗号|被黑|被人登录|被人.{0,8}登录|(?:陌生|不明|未知)(?:设备|ip|地点).{0,6}登录|登录.{0,6}(?:陌生|不明|未知)设备|异地登录|冒用|中招|(?:输|填|输入|填写)了.{0,6}密码|密码.{0,6}被(?:人)?改|不认识的.{0,6}(?:软件|程序|设备|登录)|离职(?:员工|同事)的?账号.{0,8}(?:还在|仍在|还能)|(?:在)?(?:别的|其他|外地|另一个)(?:城市|地方|国家|省).{0,4}登录|(?:用|以)我的名义|冒充我|挖矿|捡(?:到|来)的u盘|验证码.{0,6}(?:不停|一直|连续)(?:发|来)|一直收到.{0,4}验证码|\b(?:hacked(?! together| up| a | it\b)|compromised|taken over|takeover|someone (?:else )?(?:logged|got) in(?:to)?|someone (?:else )?is using my|unauthori[sz]ed (?:login|access|change|logins)|login (?:alert|attempt)s? from|logins? from (?:an? )?(?:unknown|unrecognized|foreign|suspicious|strange)|(?:entered|typed|put) (?:in )?my (?:password|credentials)|(?:ex|former)[- ]employee'?s? (?:login|account|access)|emails? i didn't (?:write|send)|in my name|using my name|pretending to be me|posing as me|remote (?:control|access) (?:of|to|on) my|(?:apps?|programs?|software|devices?|logins?) i (?:don't|do not|didn't|did not) (?:recogni[sz]e|install)|mfa fatigue|push bombing|crypto ?min(?:er|ing)|(?:found|picked up) (?:a |an )?(?:usb|thumb drive|flash drive)|(?:usb|thumb drive|flash drive|usb stick) (?:i )?(?:found|picked up)|(?:mfa|2fa|push) (?:requests?|notifications?|prompts?) (?:i didn't|i did not|at (?:\d+\s?(?:am|pm)?|night|midnight)|keep coming))\b/u,
);
const COMPROMISE_WEAK = wb(
  /不是我(?:本人)?(?:操作|改|提|登|发|干|设置|弄|做|装|下载)|不是我本人|不是(?:他|她)(?:本人)?(?:发|操作)|没设置过|我(?:根本|从来|从)?没(?:发|写|操作|提|登录|改|设置)过|不是我(?=[，,。.!！\s]|$)|被人(?:改|拿去|用)|转发规则|\b(?:wasn't (?:me|them|him|her)|was not (?:me|them|him|her)|not me|i never set (?:it|that|this) up|forwarding rule|i (?:didn't|did not|never) (?:do|make|change|request|trigger|send|log|authori[sz]e)|i never did|someone (?:else )?(?:changed|reset|accessed|used))\b/u,
);
const ACCOUNT_CONTEXT = wb(
  /密码|账号|帐号|登录|工号|验证码|工资卡|卡号|邮箱|邮件|\b(?:password|account|login|logged|mfa|2fa|direct deposit|bank|e?mail|inbox|mailbox|credentials|sso|push)\b/u,
);

export function detectSecurity(norm: string, hits: DetectedSignal[]): void {
  const strong = COMPROMISE_STRONG.exec(norm);
  const weak = strong ? null : COMPROMISE_WEAK.exec(norm);
  const context = weak ? ACCOUNT_CONTEXT.exec(norm) : null;
  if (strong || (weak && context)) {
    hits.push({
      name: 'security_compromise',
      match: strong ? strong[0] : `${weak![0]} … ${context![0]}`,
      reason: 'the account may be controlled by someone else',
    });
  }
  const data = SENSITIVE_DATA.exec(norm);
  const exposed = EXPOSURE.exec(norm);
  const alone = BREACH_ALONE.exec(norm);
  if (alone) {
    hits.push({
      name: 'security_breach',
      match: alone[0],
      reason: `"${alone[0]}" describes a breach or data leak`,
    });
    return;
  }
  if (data && exposed) {
    hits.push({
      name: 'security_breach',
      match: `${exposed[0]} … ${data[0]}`,
      reason: `sensitive data ("${data[0]}") is described as exposed ("${exposed[0]}")`,
    });
    return;
  }
  // Many accounts taken over at once is a breach, not one person's compromise.
  const compromise = hits.find((s) => s.name === 'security_compromise');
  const phishing = hits.find((s) => s.name === 'security_phishing');
  const wide = hits.find((s) => s.name === 'scope_company');
  const malware = /病毒|木马|\b(?:malware|virus|worm|trojan)\b/u.exec(norm);
  const massTakeover =
    /中招|被盗|hacked|compromised|entered (?:their )?credentials|taken over|successful logins/u.exec(norm);
  if (wide && (compromise || malware || (phishing && massTakeover))) {
    const what = compromise?.match ?? malware?.[0] ?? massTakeover?.[0] ?? '';
    hits.push({
      name: 'security_breach',
      match: `${wide.match} … ${what}`,
      reason: 'accounts or machines are compromised across the company',
    });
  }
}
