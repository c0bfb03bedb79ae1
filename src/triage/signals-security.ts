/** Security signals, in combinations: a leak needs data nearby, a compromise needs an account. */
import { type DetectedSignal, wb } from './signal-types.ts';

export const ESCALATE = wb(/^\s*(?:\/helpline\s+)?escalate\s*[:：]/u);

// Data that must not leave the company, and words saying it has left or is open to anyone.
const SENSITIVE_DATA = wb(
  /数据|资料|名单|文件|身份证|银行卡|银行账号|卡号|手机号|家庭住址|住址|护照|工资表|薪资表|薪酬|工资单|工资条|薪资数据|工资明细|个人信息|员工信息|候选人|简历|花名册|客户资料|员工数据|数据库|备份|\b(?:ssns?|kyc|social security|tax ids?|passports?|bank (?:details|info|account)s?|salar(?:y|ies) (?:data|spreadsheet|file|details|sheet|list)|(?:candidate|employee|personnel|customer) records|personal (?:data|info)|employee (?:records|data|database|info|files)|pii|payslips|credentials|passwords|home address(?:es)?|database|backup|(?:root |api |access |secret )?keys|secrets?|tokens?|appsecret|signing secret|national ids?|ids? numbers?|ssn|dob|dates? of birth|salary review|salaries|base pay|compensation data|(?:employee|staff) (?:table|list|directory|export)|export of|(?:bonus|salary|pay|payroll|compensation|comp|commission|performance|ratings?|review|headcount|hr|employee|personnel|staff|benefits?) (?:spreadsheets?|sheets?|files?|exports?|lists?|data|reports?|tables?|workbooks?|xlsx)|(?:employee|staff|employment|labou?r) contracts?|contracts? (?:of|for) (?:all|every)|personnel files?)\b|\bnames? (?:\+|and|&|with) (?:salar(?:y|ies)|pay|bank (?:details|numbers?)|ids?)\b|病历|病情|体检(?:报告|结果|复查)|什么病|诊断|\bmedical (?:records?|results?|conditions?|history)\b|\bhealth (?:data|records?|results?)\b|\b(?:shenfenzheng|yinhangka|gongzi ?dan)\b|劳动合同|员工合同|奖金表|绩效表|密钥|秘钥|私钥|薪酬|工资|月薪|年终奖|通讯录/u,
);
const EXPOSURE = wb(
  /泄露|(?<!内存)泄漏|外泄|外流|流出|曝光|公网|外网|外部(?:群|的)?|公开(?:分享|了|链接)|任何人(?:都)?(?:可以|可|能)(?:访问|打开|看)|外部(?:也)?能(?:打开|访问|看)|拷走|被下载|批量(?:导出|下载)|导了.{0,3}[万千]条|贩卖|在卖|网上卖|不用登录|无需登录|不用鉴权|谁(?:路过|经过|来了?|进来)?都(?:能|可以)(?:看|翻|拿|打开|看到)|任何人都能|都能看到|群发发错|(?:发到|发在|贴到|贴在|发了个?|误发到?|转发到|挂在|传到|放到)[^，。,.!！?？]{0,12}(?:群|频道|论坛|帖|网上|github|公网)|大群里|全员群|公司群|外部群|供应商群|全员可见|所有人(?:都)?可见|(?:线上|公网|外网|网上)(?:直接|都)?(?:能|可以)(?:看到|访问|下载)|普通员工.{0,12}(?:也)?能看到|\b(?:leak(?:ed|s|ing)?(?! memory)|exposed|exposure|publicly|public link|open to the internet|indexed|exfiltrat\w*|stolen|dumped|for sale|selling|shared externally|without (?:login|auth\w*)|anyone can (?:see|view|access)|breach(?:ed)?|mass (?:downloads?|exports?)|bulk (?:export|download)\w*|posted (?:in|on|to) (?:a )?public|(?:in|on) a public (?:folder|drive|link|share|bucket|page)|anyone with the link|public (?:slack|channel|group|community|site|repo|forum)|accessed by (?:an? )?(?:unauthori[sz]ed|unknown|third)|unauthori[sz]ed (?:party|parties|third part(?:y|ies))|(?:posted|pasted|shared|pinned|uploaded|dropped|sent) [^.!?]{0,50}(?:channel|#[\w-]+|group chat|all staff|forum|public|externally|to (?:a |an )?(?:vendor|external|outside))|#(?:general|random|all[\w-]*|announcements?)\b|(?:\d[\d,.]*k?|hundreds of|thousands of) (?:members|people in there|ppl in there)|visible to (?:all|everyone|every employee)|(?:in|into) a public (?:fork|repo|bucket)|public fork|front-?end bundle|emailed to the wrong (?:person|people)|(?:\d+ )?external (?:guests?|members?|users?|recipients?|attendees?|addresses|contacts|partners?|vendors?|people)\b|(?:\d[\d,]*|hundreds of|dozens of) (?:addresses|recipients|people|emails) (?:in|on) (?:the )?(?:cc|to|bcc(?: by mistake)?)\b|some (?:of them )?external|repl(?:y|ied)[- ]all|(?:went|sent|emailed|forwarded|shared|cc'?d|posted|mailed) (?:it |them |the [\w -]{0,40})?to (?:the |an? )?(?:whole|entire|all|every|wrong|external|outside|personal)|(?:was|is|were|been|left) (?:made |set )?public\b|bucket[^.!?]{0,30}\bpublic|downloads? from (?:an? )?(?:unknown|unrecognized|foreign|external)|(?:to|into) (?:my|a|his|her|their) personal (?:gmail|email|e-mail|account|drive|dropbox|inbox)|anyone (?:on the internet|outside|external)|(?:anyone|everyone) (?:on the internet )?with the link|public(?:ly)? (?:accessible|available|visible|readable)|open to (?:everyone|anyone|the public|the internet))\b|发错|朋友圈|(?:贴|张贴|挂)(?:在|到)(?:门口|墙上|公告栏|大厅|走廊|电梯|食堂)|(?:门口|墙上|公告栏|大厅|走廊|电梯里|食堂)(?:贴|张贴|挂)的|抄送了?(?:全|所有)|转发给了?(?:外部|全)|发到了?(?:个人|私人)邮箱/u,
);
const BREACH_ALONE = wb(
  /数据泄露|信息泄露|勒索|文件(?:都|全)?被加密|(?:文件|后缀)[^，。,.]{0,12}(?:\.locked|\.lockbit|\.encrypted|变成了?\.)|比特币|黑客|入侵|(?:正在|一直在|还在)(?:拉|下|下载|导出|导)[^，。,.]{0,10}(?:花名册|数据|通讯录|东西|文件|资料)?|导出了(?:员工)?(?:花名册|通讯录|员工数据|数据)|已经拉了|批量拉|被调用了|伪造的?(?:打卡|请求|登录)|\b(?:rule forwarding|forwards?|forwarding) (?:all |every |his |her |their |my )?(?:mail|emails?|messages) to (?:an? |his |her |their )?(?:gmail|external|outside|personal|unknown|outlook\.com|yahoo|qq)|(?:转发规则|自动转发)[^，。,.]{0,12}(?:外部|个人|gmail|qq|163)邮箱|\b(?:data (?:leak|breach)|were breached|was breached|ransomware|password spraying|files (?:are|were|got) encrypted|exfiltrat\w*|attacker|intrusion|credential[- ]stuffing|brute[- ]forc\w*|botnet|mass (?:download|compromise)|your files have been encrypted|files (?:have been|are being|got|were|are) encrypted|\.locked|\.lockbit|bitcoin|ransom note|(?:is|are|was|were|being|been|already) (?:still |actively )?(?:being )?used (?:[\w-]+ ){0,2}to (?:publish|export|pull|download|change|access|log ?in(?:to)?|sign in(?:to)?|send)|used it to (?:publish|export|pull|download|change|access)|(?:has|have) (?:since )?been used to|(?:still|actively|currently) (?:downloading|exporting|pulling)|forged|secret was (?:called|used)|pay (?:a |the )?ransom|pay (?:in |with )?(?:crypto|bitcoin|btc)|(?:files|documents|drive|share) (?:are|were|got|have been|is|being) (?:locked|encrypted) (?:and|by)|ransom)\b|\b(?:files|folders|documents)\b[^.!?]{0,12}\b(?:on|in) (?:the |our |a )?(?:[\w-]+ ){0,3}(?:shared drive|share|nas|file server|network drive)s?\b[^.!?]{0,16}\b(?:are|were|getting|being|got|have been|keep getting)(?: all)? (?:renamed|encrypted|locked)\b|(?:共享盘|共享文件夹|网盘|nas|文件服务器)[^，。,.]{0,12}(?:文件)?[^，。,.]{0,6}(?:被|都被|全被|一直被|在被)(?:改名|重命名|加密)|要(?:付|交|支付)(?:比特币|赎金|虚拟币)|赎金/u,
);

// Someone else acting as the user. Strong phrases stand alone; "it wasn't me" needs an account,
// credential or money-routing change nearby, or "my dependent was removed, I didn't ask" would count.
const COMPROMISE_STRONG = wb(
  /被盗|盗号|被黑|被人登录|被人.{0,8}登录|(?:陌生|不明|未知)(?:设备|ip|地点).{0,6}登录|登录.{0,6}(?:陌生|不明|未知)设备|异地登录|(?:账号|帐号|号)[^，。,.]{0,8}在[^，。,.]{1,8}(?:登录|登陆)(?:了)?[^。.!！?？]{0,16}(?:我(?:人)?(?:在|一直在)|没去过|不是我)|(?:境外|海外|国外)(?:的)?(?:ip)?.{0,8}(?:登录|登陆)|(?:有人|被人)用(?:它|这个|那个|我的)?[^，。,.]{0,6}(?:发了|登录|调用|拉了|导出|下载)|冒用|中招|(?:输|填|输入|填写|给|发|念|读|报|告诉)了.{0,8}(?:密码|验证码)|验证码[^。.!！?？]{0,12}我(?:就)?(?:念|读|报|说|给|发)了|鼠标(?:自己|自动)(?:在)?(?:动|移动|点)|(?:黑框|命令行|cmd|窗口)(?:一直)?(?:自己|自动)(?:弹|跳|打开|闪)|有人(?:在)?(?:试|登|用|盗)我的(?:号|账号|帐号)|(?:没(?:申请|请求|操作)过?|不是我(?:申请|发起)的?)[^。.!！?？]{0,12}验证码|验证码[^。.!！?？]{0,12}(?:没(?:申请|请求|操作)过?|不是我(?:申请|发起)的?)|(?:输入|填写|填)(?:过|了)(?:账号)?密码|被偷|被抢|密码.{0,6}被(?:人)?改|不认识的.{0,6}(?:软件|程序|设备|登录)|离职(?:员工|同事)的?账号.{0,8}(?:还在|仍在|还能)|(?:在)?(?:别的|其他|外地|另一个)(?:城市|地方|国家|省).{0,4}登录|(?:用|以)我的名义|冒充我|挖矿|(?:那时候|当时|那个时间|那会儿)(?:我)?(?:在睡觉|睡着了?|在休假|还没上班|不在公司)|捡(?:到|来)的u盘|验证码.{0,6}(?:不停|一直|连续)(?:发|来)|一直收到.{0,4}验证码|\b(?:hacked(?! together| up| a | it\b)|compromised|taken over|takeover|someone (?:else )?(?:logged|got) in(?:to)?|someone (?:else )?is using my|unauthori[sz]ed (?:login|access|change|logins)|login (?:alert|attempt)s? from|logins? from (?:an? )?(?:unknown|unrecognized|foreign|suspicious|strange)|(?:entered|typed|put|gave|sent|submitted|shared) (?:in |over )?(?:my|our|their|her|his) (?:[\w-]+ )?(?:password|pw|pwd|passwd|passcode|credentials|creds|codes?|verification codes?|mfa codes?|otps?)s?|(?:typed|entered|put) (?:in )?(?:my|our|their) creds|(?:phone|laptop|device) (?:was |got )?stolen|stolen (?:phone|laptop|device)|(?:mfa|2fa|push)[^.!?]{0,30}\b(?:i|he|she|they|we) (?:didn't|did not|never) (?:start|initiate|request|trigger|make)|new device on (?:her|his|my|their) account|(?:ex|former)[- ]employee'?s? (?:login|account|access)|emails? i didn't (?:write|send)|in my name|using my name|pretending to be me|posing as me|remote (?:control|access) (?:of|to|on) my|(?:apps?|programs?|software|devices?|logins?) i (?:don't|do not|didn't|did not) (?:recogni[sz]e|install)|mfa fatigue|push bombing|(?:changed|switched|updated|set) to (?:an? |some )?(?:account|number|iban|bank) (?:that )?(?:she|he|i|they|we|nobody|no one) (?:doesn'?t|don'?t|didn'?t|does not|do not|did not) (?:know|recogni[sz]e|own)|i was (?:asleep|sleeping|on leave|on holiday|offline) (?:at|then|at that time)|(?:mouse|cursor) (?:is |was |keeps )?(?:moving|clicking) (?:on its own|by itself)|(?:cmd|command prompt|terminal|powershell|black) ?(?:windows?|boxes)?[^.!?]{0,12}(?:popping|opening|flashing)(?: up| open)? (?:on its own|by itself|by themselves|on their own)|(?:codes?|otps?) i (?:didn't|did not|never) (?:request(?:ed)?|ask(?:ed)? for)|someone (?:is )?(?:trying|tried) (?:to )?(?:log ?in(?:to)?|get into|access) (?:my|our)|crypto ?min(?:er|ing)|(?:found|picked up) (?:a |an )?(?:usb|thumb drive|flash drive)|(?:usb|thumb drive|flash drive|usb stick) (?:i )?(?:found|picked up)|(?:mfa|2fa|push) (?:requests?|notifications?|prompts?) (?:i didn't|i did not|at (?:\d+\s?(?:am|pm)?|night|midnight)|keep coming))\b/u,
);
const COMPROMISE_WEAK = wb(
  /不是我(?:本人)?(?:操作|改|提|登|发|干|设置|弄|做|装|下载)|不是我本人|不是(?:他|她)(?:本人)?(?:发|操作)|没设置过|我(?:根本|从来|从)?没(?:发|写|操作|提|登录|改|设置)过|不是我(?=[，,。.!！\s]|$)|被人(?:改|拿去|用)|转发规则|\b(?:wasn't (?:me|them|him|her)|was not (?:me|them|him|her)|not me|i never set (?:it|that|this) up|forwarding rule|i (?:didn't|did not|never) (?:do|make|change|request|trigger|send|log|authori[sz]e)|i never did|(?<!(?:can|could|would|will|please|pls|plz|can't|cant) )someone (?:else )?(?:changed|reset|accessed|used))\b/u,
);
const ACCOUNT_CONTEXT = wb(
  /密码|账号|帐号|登录|工号|验证码|工资卡|卡号|邮箱|邮件|\b(?:password|account|login|logged|mfa|2fa|direct deposit|bank|e?mail|inbox|mailbox|credentials|sso|push)\b/u,
);

// Someone else's personal data shown to the writer: "my payslip shows someone else's name and salary".
const OTHERS_DATA = wb(
  /(?:别人|其他人|陌生人|另一个人|其他同事|对方)的(?:姓名|名字|工资|薪资|身份证|银行卡|信息|资料|家属|工资条)|(?:收到|看到)(?:了)?(?:彼此|互相|对方)的|互相收到|\b(?:someone|somebody|some1) else(?:'?s\b| (?:salar\w*|pay\w*|names?|data|info|details|records?|bank|id))|\banother (?:person|employee|colleague)'?s|\ba different person'?s|\bstrangers?'?s? (?:info|data|details|name|payslip|kids|dependents)|\beach other'?s (?:payslips?|salar\w+|data|details)|\bother (?:people|ppl|employees|folks|colleagues|users)(?:'s|s'|s)? (?:payslips?|salar\w+|pay|data|details|names|records|info|bank)/u,
);
// Everyone's personal data open to someone who should not see it: "I can see everyone's salaries".
const OPEN_TO_WRONG_PEOPLE = wb(
  /(?:就|都|也)(?:能|可以)(?:看到|看见|查到|打开|下载)(?:别人|其他人|任何人|所有人|其他员工|别的员工)的[^，。,.!！?？]{0,8}(?:个人信息|身份证|工资|薪资|银行卡|资料|档案|信息页|住址|手机号)|\b(?:see|view|open|pull up|download) (?:anyone|anybody|someone else|other (?:people|employees))(?:'s|s')? (?:[\w-]+ )?(?:profiles?|payslips?|salar(?:y|ies)|records|personal|ids?|ssns?|bank|data|details|files)|(?:能|可以|竟然能|居然能)(?:看到|看见|查看|查到|打开|下载)(?:所有人|全公司|全部员工|所有员工|全员|整个公司|别的部门|其他部门)的?(?:工资|薪资|薪酬|绩效|身份证|银行卡|个人信息|资料|考评|奖金|档案)|\b(?:can|could|am able to|is able to|are able to) (?:see|view|open|access|download|read) (?:everyone|everybody|all (?:the )?(?:employees|staff|people)|the whole company|other (?:people|employees|departments))(?:'s|s')? (?:[\w-]+ )?(?:salar(?:y|ies)|pay|performance|reviews?|payslips?|bank|ids?|personal|data|records|bonus(?:es)?|ratings?|files)/u,
);
const DATA_TAKEN = wb(/导出|下载|拉取|拷走|\b(?:export(?:ed|ing)?|download(?:ed|ing)?|pulled)\b/u);
// A device with personal data on it, lost and not encrypted: the data is out of the company's hands.
const LOST_UNENCRYPTED = wb(
  /(?:丢了|丢失|落在|落下|忘在|丢在|遗失|被偷|被盗|被人拿走|\bdiu ?le\b|\b(?:lost|left|stolen|missing|forgot|walked (?:out|off|away)(?: of [^.!?]{1,30})? with|took off with)\b)[^。!！]{0,120}(?:没(?:有)?加密|未加密|不加密|没(?:有)?锁|没设密码|不(?:确定|知道|记得)[^，。,.]{0,6}(?:开没开|有没有开|开了没|加没加|加密了没)|\b(?:not sure|unsure|don't know|no idea|can't remember)(?: if| whether)? (?:it was |it's |it is |it had |there was )?(?:encrypted|encryption|bitlocker|filevault)|(?:没有|没开|没装|no|without|mei ?you) ?(?:bitlocker|filevault)|\b(?:not|isn't|wasn't|isnt|wasnt) (?:encrypted|locked|password[- ]protected)|\bunencrypted|\bunlocked)|(?:没(?:有)?加密|未加密|\bunencrypted)[^。!！?？]{0,60}(?:丢了|丢失|落在|遗失|被偷|被盗|\b(?:lost|left|stolen|missing)\b)/u,
);
const CARRIED_DEVICE = wb(
  /电脑|笔记本|手机|u盘|硬盘|移动硬盘|\b(?:laptops?|phones?|usb|thumb drive|flash drive|hard drive|external drive|tablet|ipad|notebook)\b/u,
);
// A leaver whose account still works and has been used to reach personal data: a breach, not a risk.
const LEAVER = wb(
  /离职|已离职|走了的|\b(?:ex-employees?|former (?:employees?|colleagues?|contractors?|staff)|leavers?)\b/u,
);
const REACHED = wb(
  /访问过|访问了|登录过|连进来|\b(?:can still (?:log ?in|see|access|open)|still (?:logs?|logged) in|accessed|downloaded|exported)\b/u,
);
// Several people: "a bunch of us", "好几个同事", "at least 7", "15 people", "and 2 ppl on my team say same".
const SEVERAL = wb(
  /好几个|几个同事|多个(?:账号|同事|人)|至少(?:有)?(?:\d+|[两三四五六七八九十]+)(?:个|名|位)?|\d+个(?:人|账号|同事)|\b(?:a bunch of us|several (?:of us|people|colleagues|accounts)|a few (?:people|of us|colleagues)|multiple (?:people|accounts|users|colleagues)|many of us|dozens|at least (?:\d+|two|three|four|five|six|seven|one of (?:them|those))|\d+ (?:people|ppl|accounts|accts|users|colleagues|of us|of them)|(?:two|three|four|five|six|seven|eight|nine|ten) (?:people|ppl|accounts|users|colleagues|of us)|(?:and|plus) (?:\d|two|three) (?:ppl|people|others)|(?:says?|saying|see|sees|seeing) (?:the )?same|too\b|as well|mine and|(?:colleagues?|coworkers?|co-workers?|teammates?|others) (?:also|too|as well))\b|(?:也|都)(?:一样|是这样|看到|收到)|也都是|[两三四五六七八九十几]+个(?:人|同事)|复现/u,
);
// Several people whose accounts or credentials were taken (not the recipients of one account's spam).
const VICTIMS = wb(
  /好几个(?:同事|人|账号)|多个(?:账号|同事|人)|至少(?:有)?(?:\d+|[两三四五六七八九十]+)(?:个|名|位)?(?:人|同事|账号)|\d+个(?:人|账号|同事)|[两三四五六七八九十几]+个(?:人|账号|同事)|\bhalf (?:of )?(?:finance|hr|sales|the (?:team|office|floor|department|company)|my team|our team|the staff)\b|\b(?:a bunch of us|several (?:of us|people|colleagues|accounts|users)|a few (?:people|of us|colleagues)|multiple (?:people|accounts|users|colleagues)|many of us|dozens|at least (?:\d+|two|three|four|five|six|seven|one of (?:them|those))|\d+ (?:people|ppl|accounts|accts|users|colleagues|of us|of them)|(?:two|three|four|five|six|seven|eight|nine|ten) (?:people|ppl|accounts|users|colleagues|of us)|(?:five|\d+) that i know of)\b/u,
);
// A page or message asking for a password, and people who then gave it: "要输入域账号密码，我们部门十几个人
// 已经填了", "the form asked for our SSO login and half the team filled it in".
const CREDENTIAL_GIVEN = wb(
  /(?:邮件|链接|短信|二维码|点进去|点开)[^。!！?？]{0,16}(?:要|让|需要|要求|提示)(?:我们?|大家)?(?:先)?(?:输入?|填写?|登录)[^。.!！?？]{0,10}(?:密码|口令|账号|帐号|验证码)[^。!！?？]{0,40}?(?:已经|都|也|就)?(?:填了|输了|填过|输过|填进去|输进去|提交了|登了|登录了)|\b(?:e-?mails?|mails?|links?|texts?|sms|messages?|qr codes?)\b[^!?]{0,50}?\b(?:asked|asks|asking|prompted|wanted) (?:us |me |people |everyone )?(?:for|to (?:enter|type|confirm|re-?enter|update|verify)) (?:our |my |their |your )?(?:[\w-]+ )?(?:password|credentials|creds|login|sso|mfa code|bank (?:details|account|info)|card (?:details|number))s?\b[^!?]{0,80}?\b(?:(?:already |all |also )?(?:entered|typed|filled|submitted|did|logged in)|fell for it|i did it|did it before)\b|\b(?:asked|asking) for (?:my|our|his|her) (?:2fa|mfa|otp|verification|sms|login) codes?\b[^!?]{0,30}\b(?:gave|sent|typed|entered|read out)\b/u,
);
// What the company's own mails ask for: a new starter's temporary password, a reset.
const OWN_PROCESS = wb(
  /临时密码|初始密码|重置密码|\b(?:temporary|temp|initial|one-time|first-time) password\b|\breset (?:my|the|your) password\b/u,
);
// Leavers who still have access, with no misuse seen yet: a risk to close the same day (P1).
const ACCESS_NOT_REVOKED = wb(
  /(?:离职|已离职|走了)[^。.!！?？]{0,20}(?:账号|帐号|权限)[^。.!！?？]{0,12}(?:还没|未|没有|没)(?:被)?(?:禁用|停用|关闭|注销|回收|删)|\b(?:left|leavers?|former employees?|ex-employees?|terminated (?:employees?|staff))\b[^.!?]{0,60}\b(?:still (?:active|enabled|have access|has access|logged in)|not (?:yet )?(?:been )?(?:disabled|deactivated|removed|deprovisioned|revoked))\b|\bdeprovisioning (?:isn't|is not|hasn't been) (?:going through|working|running)\b/u,
);
// Malware found on a machine (not yet spreading): contain it the same day (P1).
const MALWARE_FOUND = wb(
  /(?:报了?|发现|中了|检测到|查出)[^，。,.]{0,6}(?:木马|病毒|恶意软件|挖矿)|(?:木马|病毒|恶意软件)[^，。,.]{0,6}(?:隔离|报警|告警)|\b(?:edr|antivirus|defender|crowdstrike)\b[^.!?]{0,30}\b(?:flagged|detected|alert\w*|quarantin\w*)|\b(?:malware|trojan|virus|worm|keylogger)\b[^.!?]{0,30}\b(?:detected|found|flagged|quarantin\w*|isolated|on (?:my|his|her|a|the) (?:machine|laptop|pc))/u,
);

// A credential or key that was leaked, and signs it is being used: a breach in progress.
const LEAKED_CREDENTIAL = wb(
  /(?:泄露|外泄|泄漏|公开)(?:的|了)?[^，。,.]{0,10}(?:密码|口令|密钥|秘钥|key|token|账号|凭证|证书)|(?:密码|口令|密钥|秘钥|key|token|账号|凭证)[^，。,.]{0,10}(?:泄露|外泄|泄漏)|\b(?:leaked|exposed|stolen|posted|published|dumped)\b[^.!?]{0,60}\b(?:passwords?|credentials?|keys?|tokens?|secrets?|creds)\b|\b(?:passwords?|credentials?|keys?|tokens?|secrets?|creds)\b[^.!?]{0,60}\b(?:leaked|exposed|stolen|in (?:a|that|the) (?:leaked|public))\b/u,
);
// A credential sitting where anyone can read it: a breach whether or not its use has been seen yet.
const CREDENTIAL_PUBLIC = wb(
  /(?:密码|口令|密钥|秘钥|私钥|token|凭证|\bkeys?\b|\bcredentials?\b|\bpasswords?\b|\bsecrets?\b|\bcreds\b)[^。.!！?？]{0,30}(?:github|gitlab|gitee|公开(?:的)?(?:仓库|代码库|项目|帖子)|\bpublic (?:repo|repository|gist|github|gitlab|forum|pastebin)|pastebin|\bin (?:a |the )?public)|(?:github|gitlab|gitee|公开(?:的)?(?:仓库|代码库)|\bpublic (?:repo|repository|gist)|pastebin)[^。.!！?？]{0,30}(?:密码|口令|密钥|秘钥|私钥|token|凭证|\bkeys?\b|\bcredentials?\b|\bpasswords?\b|\bsecrets?\b|\bcreds\b)/u,
);
const IN_USE = wb(
  /登(?:进|录|陆)(?:了|成功)?|调用|在用|用它|被用|批量|\b(?:logins?|logged in|log-?ins|signed in|used|using|being used|calls?|requests?|access(?:ed)?)\b/u,
);

export function detectSecurity(norm: string, hits: DetectedSignal[]): void {
  const strong =
    COMPROMISE_STRONG.exec(norm) ?? (OWN_PROCESS.test(norm) ? null : CREDENTIAL_GIVEN.exec(norm));
  const weak = strong ? null : COMPROMISE_WEAK.exec(norm);
  const context = weak ? ACCOUNT_CONTEXT.exec(norm) : null;
  if (strong || (weak && context)) {
    hits.push({
      name: 'security_compromise',
      match: strong ? strong[0] : `${weak![0]} … ${context![0]}`,
      reason: 'the account may be controlled by someone else',
    });
  }
  const revoked = ACCESS_NOT_REVOKED.exec(norm);
  if (revoked) {
    hits.push({
      name: 'access_not_revoked',
      match: revoked[0],
      reason: "leavers' accounts still have access",
    });
  }
  const found = MALWARE_FOUND.exec(norm);
  if (found && !hits.some((h) => h.name === 'security_compromise')) {
    hits.push({ name: 'security_compromise', match: found[0], reason: 'malware was found on a machine' });
  }
  const breach = readBreach(norm, hits);
  if (breach) hits.push({ name: 'security_breach', ...breach });
}

type Breach = { match: string; reason: string };

/**
 * The first reading of the message as a breach, in order of how directly it says so: a credential in
 * the open, a leak in so many words, data exposed, open to the wrong people or taken, several
 * accounts or the whole company compromised.
 */
function readBreach(norm: string, hits: readonly DetectedSignal[]): Breach | undefined {
  const has = (name: string) => hits.find((h) => h.name === name);
  const hypothetical = has('hypothetical') !== undefined;
  const compromise = has('security_compromise');
  const data = SENSITIVE_DATA.exec(norm);
  const alone = BREACH_ALONE.exec(norm);
  const readings: (() => Breach | undefined)[] = [
    () => {
      const published = alone || hypothetical ? null : CREDENTIAL_PUBLIC.exec(norm);
      return published
        ? { match: published[0], reason: `a credential is where anyone can read it ("${published[0]}")` }
        : undefined;
    },
    () => {
      const leaked = alone ? null : LEAKED_CREDENTIAL.exec(norm);
      return leaked && IN_USE.test(norm)
        ? { match: leaked[0], reason: `a leaked credential ("${leaked[0]}") is being used` }
        : undefined;
    },
    () => (alone ? { match: alone[0], reason: `"${alone[0]}" describes a breach or data leak` } : undefined),
    () => {
      const lost = data ? LOST_UNENCRYPTED.exec(norm) : null;
      return data && lost && CARRIED_DEVICE.test(norm)
        ? {
            match: `${lost[0]} … ${data[0]}`,
            reason: `a device holding sensitive data ("${data[0]}") is lost and not encrypted`,
          }
        : undefined;
    },
    () => {
      const exposed = data ? EXPOSURE.exec(norm) : null;
      return data && exposed
        ? {
            match: `${exposed[0]} … ${data[0]}`,
            reason: `sensitive data ("${data[0]}") is described as exposed ("${exposed[0]}")`,
          }
        : undefined;
    },
    () => {
      const open = hypothetical ? null : OPEN_TO_WRONG_PEOPLE.exec(norm);
      return open
        ? {
            match: open[0],
            reason: `employees' personal data is open to someone who should not see it ("${open[0]}")`,
          }
        : undefined;
    },
    // Personal data exported or downloaded by an account someone else controls has left the company.
    () => {
      const taken = compromise && data ? DATA_TAKEN.exec(norm) : null;
      return compromise && data && taken
        ? {
            match: `${compromise.match} … ${taken[0]} … ${data[0]}`,
            reason: `sensitive data ("${data[0]}") was taken ("${taken[0]}") with an account someone else controls`,
          }
        : undefined;
    },
    () => {
      const leaver = hypothetical || !data ? null : LEAVER.exec(norm);
      const reached = leaver ? REACHED.exec(norm) : null;
      return data && leaver && reached
        ? {
            match: `${leaver[0]} … ${reached[0]} … ${data[0]}`,
            reason: `someone who has left ("${leaver[0]}") still reaches personal data ("${reached[0]}", "${data[0]}")`,
          }
        : undefined;
    },
    () => {
      const others = OTHERS_DATA.exec(norm);
      const several = others ? SEVERAL.exec(norm) : null;
      return others && several
        ? {
            match: `${others[0]} … ${several[0]}`,
            reason: `other employees' personal data is shown to the wrong people ("${others[0]}"), for more than one person ("${several[0]}")`,
          }
        : undefined;
    },
    // Many accounts taken over at once is a breach, not one person's compromise.
    () => {
      const victims = compromise && !has('no_harm') ? VICTIMS.exec(norm) : null;
      return compromise && victims
        ? {
            match: `${compromise.match} … ${victims[0]}`,
            reason: `several accounts are compromised ("${compromise.match}", "${victims[0]}")`,
          }
        : undefined;
    },
    () => {
      const wide = has('scope_company');
      if (!wide) return undefined;
      const malware = /病毒|木马|\b(?:malware|virus|worm|trojan)\b/u.exec(norm);
      const massTakeover =
        /中招|被盗|hacked|compromised|entered (?:their )?credentials|taken over|successful logins/u.exec(
          norm,
        );
      if (!(compromise || malware || (has('security_phishing') && massTakeover))) return undefined;
      const what = compromise?.match ?? malware?.[0] ?? massTakeover?.[0] ?? '';
      return {
        match: `${wide.match} … ${what}`,
        reason: 'accounts or machines are compromised across the company',
      };
    },
  ];
  for (const read of readings) {
    const breach = read();
    if (breach) return breach;
  }
  return undefined;
}
