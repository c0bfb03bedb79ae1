/** The reply language follows the writer, not the script with the most characters. */
import { describe, expect, it } from 'vitest';
import { detectLang, naturalText } from '../../src/assistant/language.ts';

describe('detectLang (reply language)', () => {
  const cases: Array<[string, string, 'zh' | 'en']> = [
    // A Chinese writer pasting English is writing Chinese.
    [
      'zh with an English error message',
      'VPN 连不上，报错 GlobalProtect gateway vpn.example.com returned error code 403 forbidden',
      'zh',
    ],
    [
      'zh with an error after 提示',
      '打不开邮箱，提示 The server is not responding, please try again later',
      'zh',
    ],
    [
      'zh with a quoted English error',
      '系统提示“Password expired, please contact your administrator”怎么办',
      'zh',
    ],
    [
      'zh with a log line after a colon',
      'OA 系统里的 Workday Integration 同步失败，日志：Error: Connection reset by peer at Socket.onRead (net.js:123)',
      'zh',
    ],
    ['zh with English after 显示', '我的laptop开不了机了，显示 no bootable device found', 'zh'],
    [
      'zh with a long URL',
      '报销单提交不了，链接是 https://erp.example.com/expense/claims/new?template=travel&dept=finance&step=approve',
      'zh',
    ],
    [
      'zh with a URL in the middle',
      '报销单提交不了 https://erp.example.com/expense/claims/new?template=travel 一直转圈',
      'zh',
    ],
    [
      'zh with an email and a path',
      '发到 it-helpdesk@example.com 的日志在 C:\\Users\\li\\AppData\\Local\\Temp\\vpn.log 里',
      'zh',
    ],
    ['zh with product names and acronyms', 'SSO 登录 Outlook 和 ERP 都失败', 'zh'],
    ['zh, short', 'VPN 连不上', 'zh'],
    ['pure zh', '怎么请年假', 'zh'],
    ['zh quoting only', '“打卡失败”', 'zh'],
    // An English writer naming a person or a term is writing English.
    ['en with one Chinese name', 'Please ask 王伟 to approve my leave', 'en'],
    ['en with a name, short', 'Can 张三 approve leave?', 'en'],
    ['en with a Chinese term', 'my clock-in on the phone fails (manual 补卡 works)', 'en'],
    ['en with a term, short', 'my 工资条 is wrong', 'en'],
    ['en quoting a Chinese error', 'The app says "打卡失败" when I clock in', 'en'],
    [
      'en with a place',
      'The Shanghai office (上海) follows the national holiday calendar for all employees.',
      'en',
    ],
    ['pure en', 'how do I reset my password', 'en'],
    ['en with a product name', 'Outlook keeps asking for my password', 'en'],
    ['en with a URL', 'how do I log in to https://sso.company.example/login?next=%2Fhr', 'en'],
    // No words at all: the fallback.
    ['emoji only', '👍🙏', 'en'],
    ['numbers only', '12345', 'en'],
    ['empty', '', 'en'],
  ];
  it.each(cases)('%s → %s', (_name, text, lang) => {
    expect(detectLang(text)).toBe(lang);
  });

  it('gives the caller’s fallback when there are no words', () => {
    expect(detectLang('👍', 'zh')).toBe('zh');
    expect(detectLang('👍 谢谢', 'en')).toBe('zh');
  });

  it('takes out what was pasted, not what the employee wrote', () => {
    expect(naturalText('VPN 连不上，报错 gateway vpn.example.com returned error code 403').trim()).toBe(
      'VPN 连不上，报错',
    );
    expect(naturalText('see https://a.example/x?y=1 then `npm ci`').replace(/\s+/g, ' ')).toBe('see then ');
    expect(naturalText("I don't know 'why' it fails")).toBe("I don't know   it fails");
  });
});
