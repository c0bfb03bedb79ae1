/**
 * Explicit triage signals (DESIGN §3 "signals that raise severity"), bilingual, each with the text
 * that matched and a reason an engineer can read. Detectors look for combinations rather than single
 * words where a word alone misleads: "leak" needs data nearby (a leaking tap is not a breach),
 * "everyone" followed by "in my team" is a team, not the company.
 */
import { normalizeText } from './features.ts';
import { type DetectedSignal, type Rule, type SignalContext, type SignalName, wb } from './signal-types.ts';
import { detectScope } from './signals-scope.ts';
import { detectSecurity, ESCALATE } from './signals-security.ts';

export type { DetectedSignal, SignalContext, SignalName } from './signal-types.ts';

// ---------------------------------------------------------------------------------------------
// Word rules. Each regex runs on the normalized (NFKC, lowercased) text.

const RULES: Rule[] = [
  {
    name: 'outage',
    re: wb(
      /宕机|挂了|挂掉|全挂|崩了|崩溃|瘫痪|停摆|全停|停保|被拒|访问不了|无法访问|上不去|刷不开|没反应|没响应|停(?:账号|用|掉)|算错|进不去|打不开|用不了|登不上|登录不了|登不进|无法|不能用|不能(?:提交|登录|打卡|审批|请假|访问)|失败|报错|出错|故障|发不出|没到账|没发|打不上|连不上|上不了|清零|清空|全没了|白屏|蓝屏|卡死|不可用|中断|断了|[^\d]50[0-4](?!\d)|\b(?:(?:is|are|was|were|went|goes|been|it's|its|still|all|everything) down|down (?:for|since|again|across|company|everywhere)|outage|crash(?:ed|es|ing)?|fail\w*|not working|wrong|incorrect|denied|declined|turned away|unreachable|inaccessible|not loading|won't load|timing out|times out|broken|cant|can't|cannot|unable|errors?|erroring|5\d\d|unavailable|offline|wiped|rejected|locked out|not (?:been )?paid|disabled|deleted|terminated|cancell?ed|reset to zero|encrypted|no one can|nobody can)\b/u,
    ),
    reason: 'something is down or failing',
  },
  {
    name: 'urgency_payday',
    re: wb(
      /今天(?:是)?发(?:工资|薪)|今天(?:发|到账)的(?:工资|薪水|钱)|发薪日|今天发薪|(?:工资|薪水|奖金|年终奖)?今天(?:已经)?(?:到账|到了|发了)|今天(?:的)?工资|已经发出|发出去了|打款|代发|到手|\b(?:payday|pay day|paid today|got paid|just (?:got )?paid|pay landed|salary landed|landed today|today's (?:pay|payroll|run|pay run|deposit|paycheck|salary)|this morning's (?:pay|payroll|run)|(?:salary|pay|paycheck|wages?|deposit) (?:came in|arrived|hit|landed|went in)(?: today| this morning)|went out (?:today|this morning|twice)|paid this morning|bank (?:batch|file)|in today's run|on payday|(?:deposit|paycheck|pay|salary) (?:bounced|failed|was rejected)(?: today| this morning)?)\b/u,
    ),
    reason: 'pay is going out today or has just been paid',
  },
  {
    name: 'urgency_deadline',
    re: wb(
      /加急|尽快|急用|明天|明早|明天(?:就)?发(?:工资|薪)|后天(?:就)?发(?:工资|薪)|周[一二三四五六日天](?:就)?发(?:工资|薪)|发薪前|锁定|截止|结账|结算|月底|今天(?:必须|要交|要用)|(?:这周|本周|明天|后天|周[一二三四五六日天])(?:就)?要(?:算|发)(?:工资|薪)|算薪|明天(?:就)?要|下午.{0,6}(?:要|截止)|\b(?:urgent(?:ly)?|asap|expedite\w*|tomorrow|deadline|cut-?off|due (?:today|tomorrow|at|by)|closes (?:today|tomorrow|friday|on)|locks (?:today|tomorrow)|pay date is|month-?end|close is|before the bank|by (?:eod|end of day|noon|tomorrow)|today at \d|starts? (?:tomorrow|on the))\b/u,
    ),
    reason: 'a deadline (payroll lock, cut-off, month-end) is close',
  },
  {
    name: 'urgency_blocked',
    re: wb(
      /卡住|卡着|动不了|没法干活|没法工作|干不了活|没办法工作|无法工作|没法接单|\b(?:blocked|blocking|can't work|cant work|can't do anything|cant do anything|stuck|unable to work|dead in the water)\b/u,
    ),
    reason: 'work is blocked',
  },
  {
    name: 'money',
    re: wb(
      /少发|多发|多扣|少扣|扣错|算错|只(?:到|发|给)了?(?:一半|一部分)|少算|漏发|没算进|少了|少了.{0,6}(?:钱|块|元|千|百|万|一半)|差了.{0,4}(?:钱|块|元|千|百|万)|一分(?:钱)?(?:都)?没|一分没|多了一倍|多发了一倍|双倍|个税.{0,8}(?:0|零|没扣|一分没扣)|按(?:税前|试用期|旧)|\b(?:short|underpaid|overpaid|double pay|paid twice|(?:nobody|no one|no-one) (?:got|has been|was|has) paid|paid [^.]{0,30} instead of|went out twice|wrong (?:rate|amount|tax|pay)|(?:less|lower) than (?:usual|normal|expected|last month)|zero tax|not paid|got nothing|\$\s?\d[\d,]*|\d+% (?:under|of my gross|short))\b/u,
    ),
    reason: 'money is wrong or unpaid',
  },
  {
    name: 'legal',
    re: wb(
      /劳动仲裁|仲裁|起诉|劳动局|劳动监察|律师|违法|\b(?:lawsuit|sue|suing|legal action|labou?r (?:bureau|board|department|tribunal)|lawyer|attorney|tribunal|gdpr|regulator)\b/u,
    ),
    reason: 'legal or regulatory exposure',
  },
  {
    name: 'security_phishing',
    re: wb(
      /钓鱼|冒充|假冒|伪装成|诈骗|可疑(?:邮件|短信|链接|电话)|验证码发给|要我的(?:银行卡|密码|验证码)|\b(?:phishing|phish|spoof(?:ed|ing)?|impersonat\w*|pretending to be|claiming to be|suspicious (?:email|link|text|call|message)|scam|gift cards?)\b/u,
    ),
    reason: 'a phishing or impersonation attempt',
  },
  {
    name: 'no_harm',
    re: wb(
      /没理|没点|没输|没回|挂了电话|我挂了|没上当|没给|\b(?:didn't click|did not click|haven't clicked|didn't respond|didn't reply|ignored it|hung up|didn't enter|did not enter|didn't give|nothing was given|didn't get one|reported it)\b/u,
    ),
    reason: 'nothing was given away',
  },
  {
    name: 'hypothetical',
    re: wb(
      /怎么(?!办)|如何|流程|要不要|应该转给|可以吗|听说|如果|假如|万一|要是|政策|规定|隔壁公司|别的公司|\b(?:how do i|how to|how can|how should|what should i do if|what counts|what do i do if|what happens if|if i|in case|policy|just want to know|just curious|hypothetical|is it ok|am i allowed|who do i|where do i)\b/u,
    ),
    reason: 'the message asks about a procedure or a hypothetical',
  },
  {
    name: 'exercise',
    re: wb(
      /培训|演练|演习|模拟|测试一下|\b(?:training|awareness|simulation|simulated|drill|tabletop|exercise|mock|test campaign)\b/u,
    ),
    reason: 'a drill, training or simulation, not a real event',
  },
  {
    name: 'workaround',
    re: wb(
      /先用|先走|先手|凑合|手动|手工|手写|临时|暂时|还能用|能用|可以用|重跑|重试.{0,6}(?:能|可以|成功)|重启就好|\b(?:for now|workaround|manually|manual (?:correction|entry|punch|sign-?in|log|filter\w*)|instead|paper|works? fine|still works|succeeds on retry|on retry|restart fixes|smaller ranges work)\b/u,
    ),
    reason: 'a workaround exists',
  },
  {
    name: 'human_request',
    re: wb(
      /转人工|找人工|人工客服|人工服务|有没有人工|人工在|人工[!！]|真人|活人|找个人|找个hr|找hr|当面(?:聊|说|谈)|给我打(?:个)?电话|打电话给我|(?:给我)?回(?:个)?电话|联系我|联系(?:一下)?.{0,8}(?:同事|负责人)|转给.{0,6}(?:同事|人|负责)|(?:和|跟|与)(?:hr|hrbp|人事|真人).{0,4}(?:沟通|聊|谈)|安排(?:个|一个)?人|约.{0,6}(?:hrbp|hr)|你们负责人|\b(?:(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:human|person|real person|people|someone|somebody|agent)|(?:talk|speak) (?:to|with) (?:it|hr|payroll|the [\w-]+ team)(?: directly| in person| privately)|real person|actual person|live person|live agent|human (?:please|pls|agent)|(?:need|want) (?:a|to talk to a) (?:human|person)|put me through|connect me (?:to|with)|get me (?:someone|a person|a human)|call me|callback|call back|reach out to me|contact me(?: directly)?|get in touch with me|ping me directly|escalate to (?:a human|a person|someone)|someone who can (?:actually )?help|(?:is )?anyone (?:from|on) the [\w -]{1,30}(?:online|around|there))\b|^agent[.!]?$|^human[.!]?$/u,
    ),
    reason: 'the user asks for a person',
  },
  {
    name: 'smalltalk_cue',
    re: wb(
      /^(?:hi|hello|hey|yo|morning|good (?:morning|night|evening|afternoon)|thanks?|thank you|thx|ty|cheers|bye|ok bye|cool|nice|awesome|great|perfect|lol|haha)\b|\b(?:says? (?:hi|hello|thanks)|loves? (?:this|the|you)|(?:this|the) bot is|you're (?:the best|great|awesome|smart|pretty)|have a (?:good|nice|great)|appreciate it|never ?mind|figured it out)\b|谢谢|感谢|多谢|谢啦|辛苦|^你好|^哈喽|^早|早上好|晚上好|晚安|再见|拜拜|好用|真棒|厉害|哈哈|愉快|快乐|^(?:好的|收到|嗯|了解|明白)/u,
    ),
    reason: 'a greeting, thanks or chit-chat',
  },
  {
    name: 'question_form',
    re: wb(
      /[?？]$|吗(?:[，,。.?？!！~～\s]|$)|呢(?:[?？，,]|$)|几[点号天次个位]|在哪|哪(?:里|儿|个|些|天|位|家)|什么|怎么|多少|有没有|是不是|能不能|可不可以|要不要|是否|多久|^(?:how|what|where|when|which|who|why|is|are|do|does|did|can|could|should|will|would|am)\b/u,
    ),
    reason: 'phrased as a question',
  },
  {
    name: 'request_form',
    re: wb(
      /帮我|帮忙|麻烦|请帮|请给|申请|给我(?:开|换|配|加|改|发|做|出|导|拉)|想要|需要一|能不能帮|可以帮|导一份|出一份|拉一下|开通|\b(?:please|pls|plz|can you|could you|would you|(?:can|could) (?:someone|somebody)|can i (?:get|have)|could i (?:get|have)|i need|need an?|i'd like|i want to|requesting|request(?:ing)? an?|set up|add me|remove|change my|switch me|order)\b/u,
    ),
    reason: 'phrased as a request',
  },
];

/** All signals in a message, at most one per name, in a stable order. */
export function detectSignals(text: string, context: SignalContext = {}): DetectedSignal[] {
  const norm = normalizeText(text);
  const hits: DetectedSignal[] = [];
  detectScope(norm, hits);
  for (const rule of RULES) {
    const m = rule.re.exec(norm);
    if (m) hits.push({ name: rule.name, match: m[0].trim(), reason: rule.reason });
  }
  // A drill or a training course mentions leaks and phishing without anything having happened.
  if (!hits.some((h) => h.name === 'exercise')) detectSecurity(norm, hits);
  if (context.role === 'hr_admin') {
    hits.push({ name: 'role_hr_admin', match: 'role=hr_admin', reason: 'reported by an HR admin' });
  }
  const esc = ESCALATE.exec(norm);
  if (esc) hits.push({ name: 'escalate_command', match: esc[0].trim(), reason: 'an explicit escalation' });
  const reporters = context.reporters ?? 0;
  if (reporters >= 2) {
    hits.push({
      name: 'reporters',
      match: `${reporters} reporters`,
      reason: `${reporters} different people reported the same issue`,
    });
  }
  return hits;
}

/** Signal names as model features, e.g. `s:scope_company`. */
export function signalFeatures(signals: DetectedSignal[], role?: string): string[] {
  const out = signals.map((s) => `s:${s.name}`);
  out.push(`r:${role && role.length > 0 ? role : 'employee'}`);
  return out;
}

export function hasSignal(signals: readonly { name: string }[], name: SignalName): boolean {
  return signals.some((s) => s.name === name);
}
