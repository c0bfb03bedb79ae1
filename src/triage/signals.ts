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
      /宕机|挂了|挂掉|全挂|崩了|同步不(?:上|了|过来|进)|同步失败|没(?:有)?同步|不同步|崩溃|瘫痪|[打登进批发开看连报刷交算收提]不(?:了|上|进|出|到)(?:去)?|失效|过期|延迟|异常|停止工作|不工作了?|不见了|消失了|空白|停摆|全停|停保|被拒|访问不了|无法访问|上不去|刷不开|没反应|没响应|停(?:账号|用|掉)|算错|进不去|打不开|用不了|登不上|登录不了|登不进|无法|不能用|不能(?:提交|登录|打卡|审批|请假|访问)|失败|报错|出错|故障|发不出|没到账|没发|打不上|连不上|上不了|清零|清空|全没了|(?:全|都|全都|全部)空了|白屏|蓝屏|卡死|不可用|中断|断了|(?:error|http|status|报错?|returned?|returning|throwing|throws|got an?|code|提示|出现)\s*:?\s*50[0-4](?!\d)|(?<![\d$¥￥])50[0-4]\s*(?:error|错误|bad gateway|gateway|internal|service unavailable|了|s\b)|\b(?:(?:is|are|was|were|went|goes|been|it's|its|still|all|everything) down|down (?:for|since|again|across|company|everywhere)|outage|crash(?:ed|es|ing)?|fail\w*|not working|wrong|incorrect|denied|declined|turned away|rejecting|refusing|dropping (?:all )?(?:connections|sessions|requests)|unreachable|inaccessible|not loading|won't load|timing out|times out|broken|cant|can't|cannot|unable|errors?|erroring|5\d\d|unavailable|offline|wiped|rejected|locked out|not (?:been )?paid|disabled|deleted|terminated|cancell?ed|reset to zero|encrypted|no one can|nobody can|(?:is|are|went|gone|all|totally|completely|just) dead|(?:nobody|no one|none of (?:us|them|the \w+))[^.!?]{0,40}\b(?:can|could|is able|are able|gets? in)\b|expired|expiring|locked|degraded|delayed|stalled|stopped (?:working|responding|loading|syncing)|(?:is|are|shows?|showing) (?:as )?(?:blank|empty)|blank|disappeared|vanished|not arriving|not syncing|not (?:being )?(?:received|delivered|generated)|(?:license|licence|cert(?:ificate)?) (?:has )?expired)\b/u,
    ),
    reason: 'something is down or failing',
  },
  {
    name: 'urgency_payday',
    re: wb(
      /今天(?:是)?(?:统一)?发(?:工资|薪)|今天(?:是)?发薪日|今天(?:上午|早上)?的工资代发|今天(?:发|到账)的(?:工资|薪水|钱)|发薪日|今天发薪|(?:工资|薪水|奖金|年终奖)?今天(?:已经)?(?:到账|到了|发了)|今天(?:的)?工资|已经发出|发出去了|打款|代发|到手|\b(?:(?:on|it's|its|it is|today is|today's) payday|pay ?(?:day|date) (?:is|was) today|payroll (?:date|day) is today|(?:my |our |the )?(?:pay|salary|paycheck|wages|deposit) (?:came|arrived|landed|hit|went)[^.!?]{0,20}\b(?:today|this morning)|paid today|got paid|just (?:got )?paid|pay landed|salary landed|landed today|today's (?:pay|payroll|run|pay run|deposit|paycheck|salary|payslips?|paystubs?)|this morning's (?:pay|payroll|run)|(?:salary|pay|paycheck|wages?|deposit) (?:came in|arrived|hit|landed|went in)(?: today| this morning)|went out (?:today|this morning|twice)|paid this morning|bank (?:batch|file)|in today's run|on payday|(?:deposit|paycheck|pay|salary) (?:bounced|failed|was rejected)(?: today| this morning)?|(?:credited|paid|went out|deposited) (?:this morning|today)|payday (?:is |was )?today|today(?:'s| is) payday|get paid today|got paid today|today's salary transfer|payday was (?:today|yesterday|yday)|(?:which|that) was payday)\b/u,
    ),
    reason: 'pay is going out today or has just been paid',
  },
  {
    name: 'urgency_deadline',
    re: wb(
      /加急|尽快|急用|明天|明早|明天(?:就)?发(?:工资|薪)|后天(?:就)?发(?:工资|薪)|周[一二三四五六日天](?:就)?发(?:工资|薪)|发薪前|锁定|截止|结账|结算|月底|今天(?:必须|要交|要用)|(?:这周|本周|明天|后天|周[一二三四五六日天])(?:就)?要(?:算|发)(?:工资|薪)|算薪|明天(?:就)?要|下午.{0,6}(?:要|截止)|\b(?:urgent(?:ly)?|asap|expedite\w*|tomorrow|(?<!no )deadline|cut-?off|due (?:today|tomorrow|at|by)|closes (?:today|tomorrow|friday|on)|locks (?:today|tomorrow)|pay date is|month-?end|close is|before the bank|by (?:eod|end of day|noon|tomorrow)|today at \d|starts? (?:tomorrow|on the|(?:on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))|in (?:\d+|an?|one|two|three) (?:hours?|hrs?|h|mins?|minutes)|within (?:the )?(?:hour|\d+ (?:hours?|hrs?|mins?|minutes)))\b|(?:\d+|[一两二三四五六七八九十半几]+)\s?(?:个)?(?:小时|分钟)(?:后|内|之内|以内)/u,
    ),
    reason: 'a deadline (payroll lock, cut-off, month-end) is close',
  },
  {
    name: 'urgency_blocked',
    re: wb(
      /卡住|卡着|动不了|没法干活|没法工作|干不了活|没办法工作|无法工作|没法接单|\b(?:blocked|blocking|can't work|cant work|can't do anything|cant do anything|stuck|unable to work|dead in the water|(?:have|has|got|with) no (?:laptops?|computers?|pcs|accounts?|logins?|access|badges?|equipment))\b|(?:没有|没)(?:电脑|账号|工号|权限|门禁卡)(?:用|可用)?/u,
    ),
    reason: 'work is blocked',
  },
  {
    name: 'money',
    re: wb(
      /少发|多发|多扣|少扣|扣错|算错|只(?:到|发|给)了?(?:一半|一部分)|少算|漏发|没算进|少了|少了.{0,6}(?:钱|块|元|千|百|万|一半)|差了.{0,4}(?:钱|块|元|千|百|万)|一分(?:钱)?(?:都)?没|一分没|多了一倍|多发了一倍|双倍|个税.{0,8}(?:0|零|没扣|一分没扣)|按(?:税前|试用期|旧)|\b(?:short|underpaid|overpaid|double pay|paid twice|(?:nobody|no one|no-one) (?:got|has been|was|has) paid|paid [^.]{0,30} instead of|went out twice|wrong (?:rate|amount|tax|pay)|(?:less|lower|more|higher) than (?:usual|normal|expected|last month)|\d+(?:\.\d+)?\s?(?:x|times) (?:the |my )?(?:usual|normal|expected|last month|amount)|zero tax|not paid|got nothing|\$\s?\d[\d,]*|\d+% (?:under|of my gross|short)|(?:got|received|paid) (?:only |just |about |roughly |around )?(?:half|a third|part|a fraction) (?:of )?(?:her|his|my|their|our) (?:salary|pay|wages|paycheck)|(?:still )?(?:shows?|at|on) the old (?:band|salary|rate|pay)|taxed as|doubled|(?:0|zero|no) (?:tax|taxes|income tax|iit) (?:withheld|deducted)|taxed (?:twice|double)|withheld twice|double[- ]withh\w+|double(?:d)? (?:pay|salar\w*)|not (?:being )?calculated|(?:missing|without) (?:their|the|her|his|my)? ?(?:[\w-]+ )?(?:allowance|premium|bonus|overtime|ot pay))\b|按旧|旧(?:的)?(?:工资|薪资|级别|标准)|\b(?:uplift|allowance|premium|bonus|overtime|rate|increase|raise|pay rise|shift pay|holiday pay|penalty rates?)s? (?:didn't|did not|wasn't|was not|hasn't|has not|never) (?:apply|applied|get applied|been applied|come through|go through|gone through|paid)\b|(?:加班费|补贴|津贴|奖金|提成|绩效工资)[^，。,.!！?？]{0,8}(?:没发|没算|没给|漏了|全是0|都是0|全是零|为0|是0|一分没有)|没(?:有)?(?:发|算|给)?(?:加班费|补贴|津贴|提成)|\b(?:(?:got|get|getting|received|were paid|was paid|paid) (?:no|zero|0) (?:[\w-]+ )?(?:overtime|ot|allowance|premium|bonus|pay|wages?|salary|commission)|paid (?:\$\s?0|0|zero|nothing)(?!\.\d)|no (?:overtime|ot|allowance|commission) (?:pay )?at all)\b/u,
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
      /怎么(?!办|回事|了|搞的)|如何|流程|要不要|应该转给|可以吗|听说|如果|假如|万一|要是|政策|规定|隔壁公司|别的公司|\b(?:how do i|how do we|how should we|who do we|what do we do if|how to|how can|how should|what should i do if|what counts|what do i do if|what happens if|if i|in case|policy|just want to know|just curious|hypothetical|is it ok|am i allowed|who do i|where do i)\b/u,
    ),
    reason: 'the message asks about a procedure or a hypothetical',
  },
  {
    name: 'exercise',
    re: wb(
      /演练|演习|模拟(?:钓鱼|攻击|演练|测试|邮件)|(?:钓鱼|安全)(?:测试|演练)|测试一下|\b(?:drill|tabletop|simulation|simulated (?:phishing|attack|breach|email)|(?:phishing|security) (?:test|simulation|exercise)|awareness (?:test|campaign)|test campaign|mock (?:phishing|attack|breach))\b/u,
    ),
    reason: 'a drill, training or simulation, not a real event',
  },
  {
    name: 'workaround',
    re: wb(
      /先用|先走|先手|先让|凑合|手动|手工|临时|暂时|(?:已经|已)(?:先)?[^，。,.]{0,10}改回来了|还能用|(?<!不)能用|可以用|能正常|可以正常|本身(?:是)?正常|重跑|补跑|重新(?:提交|扫码|登录|跑)(?:一下)?就(?:好|行|可以)|换了.{0,6}就好|重试.{0,6}(?:能|可以|成功)|重启就好|顶着|借(?:了)?同事|\b(?:for now|workaround|manually|by hand|manual (?:correction|entry|punch|sign-?in|log|filter\w*)|(?:use|using|used|went|go|going|switched|submitted|printed|sent|emailed) [^.!?]{0,30}instead|works? fine|still works|still able|can still|fallback works|but [^.!?]{0,40}\b(?:works|is fine|still works|work fine)|(?:logging|signing|log|sign) (?:back )?in (?:again )?works|succeeds on retry|on retry|a retry (?:usually )?(?:goes through|works)|rerun|re-run|restart fixes|smaller ranges work|still functional|log back in|(?:web|website|desktop|phone app|mobile app|list view) (?:works|is fine|version works))\b/u,
    ),
    reason: 'a workaround exists',
  },
  {
    name: 'not_urgent',
    re: wb(
      /不急|不着急|不用急|不紧急|不算急|不是很急|有空(?:再|帮|的时候)?|慢慢来|时间(?:还)?(?:比较|很)?充裕|还有时间|不影响(?:使用|工作|发薪|算薪|打卡|审批|业务)|没耽误|(?:下周|月底前|月底|下个月|\d+月底前)(?:前)?(?:给|用|要|处理完?)?就(?:行|可以|好)|(?:给|用|处理完?)就行|\b(?:no rush|not urgent|no hurry|not in a hurry|whenever|when you (?:get a chance|can|have time)|at some point|(?:nobody|no one|no-one)(?:'s| is) blocked|not blocking|not blocked|happy to wait|can wait|not a (?:big|huge) deal|not a huge amount|minor one|just flagging|just slow|cosmetic|low priority|next sprint|no impact|no deadline|no due date|plenty of time)\b/u,
    ),
    reason: 'the writer says it is not urgent or blocks nobody',
  },
  {
    name: 'urgency_far',
    re: wb(
      /(?:离|距离?)[^，。,.]{0,6}还有(?:[\d一二三四五六七八九十几]+|好几)(?:天|周|个星期)|(?:下个月|下月)才|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a few|several) (?:days|weeks) (?:until|before|to|away from) (?:payday|pay day|the deadline|cut-?off|the cutoff)|(?:next )?pay ?day is (?:in|not (?:for|until)) (?:\d+|two|three|four|a few|several) (?:weeks?|days)\b/u,
    ),
    reason: 'the payday or deadline is days or weeks away',
  },
  {
    name: 'pay_failed',
    re: wb(
      /没到账|未到账|(?:卡里|卡上|账户里|银行卡)(?:还是|都|还)?没(?:有)?钱|没收到(?:工资|薪水|钱|薪资)|(?:工资|薪水|薪资|钱)(?:还|都)?没(?:发|到)|还没发|拿不到(?:工资|钱)|发不出(?:工资)?|代发.{0,14}(?:失败|退回|被拒|不符)|回盘.{0,4}失败|\d[\d,]*笔(?:都)?(?:失败|退回|被拒)|(?:银行|代发)(?:文件)?.{0,10}(?:被拒|退回)|算不出来|没算出来|(?:发薪|薪资|工资)(?:批次|计算|核算|发放|代发)[^，。,.]{0,8}(?:失败|跑不了|出错|报错)|(?:薪资|工资)(?:计算|核算)?.{0,6}(?:算不出|跑不了|跑失败)|双份工资|重复(?:发放|代发|支付|扣款)|执行了两次|\b(?:unpaid|not (?:been )?paid|(?:hasn't|haven't|has not|have not|didn't|did not|never) (?:been )?(?:paid|received (?:their|my|our|any) (?:pay|salary|salaries|wages)|arrived|come in|gone out|landed|reached)|(?:nobody|no one|none of)[^.!?]{0,40}?(?:got|gets|has|have|was|were|received|been)?\s*(?:been )?paid|(?:nobody|no one|none of)[^.!?]{0,40}?(?:has|have)? received (?:their|any|a) (?:pay|salary|salaries|wages)|nothing (?:has )?(?:arrived|come in|landed|reached|gone out)|(?:didn't|did not|haven't|have not|hasn't|has not|never) (?:get|got|receive|received|see|seen) (?:their|my|our|any|her|his|a) (?:pay|salary|salaries|wages|paycheck|paychecks|deposit)|(?:bank|payment|payroll|pay|salary) (?:file|batch|run|transfer|deposit|interface|connector)s?[^.!?]{0,30}?(?:was |were |got |has been |have been )?(?:rejected|failed|bounced|returned|stuck)|(?:rejected|failed|bounced) (?:the )?(?:whole |entire )?(?:[\w-]+ )?(?:bank|payroll|payment|pay) (?:file|batch|run)|(?:payroll|pay) run (?:has )?failed|(?:final|cutoff|cut-off) run|paid twice|double[- ]paid|(?:received|got) (?:double|two) (?:pay|salar)|went out twice|(?:paid|pays?) (?:them |us |people )?(?:at |with )?the old (?:rate|salary|band)|old rate)\b/u,
    ),
    reason: 'pay has not arrived, a payment run failed or paid the wrong amounts',
  },
  {
    name: 'filing_failed',
    re: wb(
      /(?:申报|报税|汇缴|汇算|增员|备案)[^。.!！?？]{0,24}(?:报不上去?|提交不了|交不上|失败|报错|卡在|卡住|超时|timeout|不成功|被拒|不存在)|(?:报不上去?|提交不了|交不上)[^。.!！?？]{0,8}(?:申报|税|社保)|\b(?:filing|declaration|tax return|submission|iit|social insurance)\b[^.!?]{0,40}\b(?:fail\w*|stuck|rejected|error\w*|timing out|times out|won't go through|can't (?:be )?submit\w*|validation)\b|\b(?:fail\w*|unable) to (?:submit|file)\b/u,
    ),
    reason: 'a statutory filing (tax, social insurance) is failing',
  },
  {
    name: 'urgency_now',
    re: wb(
      /今天(?:是)?(?:发薪|发工资|截止|申报截止|最后一天)|(?:今天|今日)[^，。,.!！?？]{0,10}截止|截止日|最后一天|明天(?:就|是|统一)?(?:是)?(?:集团统一)?(?:发薪|发工资|发钱)|明天就(?:要)?(?:发|算)(?:工资|薪)|发薪前一天|今晚|(?:今天|下午|中午|上午)\d{1,2}点前|\d{1,2}点前(?:必须|要)|马上(?:要|就)|(?:一|1|两|2)个?小时(?:后|内)|\b(?:payday (?:is )?(?:today|tomorrow)|today(?:'s| is) (?:payday|the deadline|the last day)|(?:due|deadline|closes|cut-?off|locks?) (?:is )?(?:today|tonight|tomorrow|tmrw|at \d)|(?:due|deadline) tmrw|(?:before|by) (?:\d{1,2}(?::\d\d)?\s?(?:am|pm)|noon|eod|end of (?:the )?day|tonight)|tonight|in (?:an|one|1|two|2) hours?|in \d+ ?h\b|in \d+ ?min|go(?:es)? out today|payday tomorrow|the day before payday|(?:first|start) day is (?:today|tomorrow)|start(?:s|ing)? (?:tomorrow|mon(?:day)?)|today at \d|within the hour)\b/u,
    ),
    reason: 'a payday, filing deadline or cut-off falls today or tomorrow',
  },
  {
    name: 'human_request',
    re: wb(
      /转人工|找人工|人工客服|人工服务|有没有人工|人工在|人工[!！]|真人|活人|找个人|找个hr|(?<!让我|叫我|说让我|要我)找hr|当面(?:聊|说|谈)|给我打(?:个)?电话|打电话给我|(?:给我)?回(?:个)?电话|联系我|联系(?:一下)?.{0,8}(?:同事|负责人)|转给.{0,6}(?:同事|人|负责)|(?:和|跟|与)(?:hr|hrbp|人事|真人).{0,4}(?:沟通|聊|谈)|安排(?:个|一个)?人(?:跟我|和我|联系我|给我打|来找我)|约.{0,6}(?:hrbp|hr)|你们负责人|\b(?:(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:human|person|real person|people|someone|somebody|agent)|(?:talk|speak) (?:to|with) (?:it|hr|payroll|the [\w-]+ team)(?: directly| in person| privately)|real person|actual person|live person|live agent|human (?:please|pls|agent)|(?:need|want) (?:a|to talk to a) (?:human|person)|put me through|connect me (?:to|with)|get me (?:someone|a person|a human)|call me|callback|call back|reach out to me|contact me(?: directly)?|get in touch with me|ping me directly|escalate to (?:a human|a person|someone)|someone who can (?:actually )?help|(?:is )?anyone (?:from|on) the [\w -]{1,30}(?:online|around|there))\b|^agent[.!]?$|^human[.!]?$/u,
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
