/** SlackProfiles: users.info through the real WebClient and the stand-in, cached by TTL and size. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackProfiles } from '../../../adapters/slack/profiles.ts';
import { slackWebClient } from '../../../adapters/slack/web-client.ts';
import { SlackApiStandIn } from '../../support/slack-api-stand-in.ts';
import { BOT, NOW, recorder, settle } from './harness.ts';

let slack: SlackApiStandIn;
let clock = NOW;
const rec = recorder(() => clock);

beforeAll(async () => {
  slack = await new SlackApiStandIn(BOT).start();
  slack
    .addUser({ id: 'U061F7AUR', name: 'li.lei', real_name: 'Li Lei', profile: { title: 'Payroll' } })
    .addUser({ id: 'U0NODISP', name: '', real_name: 'Wang Fang', profile: { display_name: '' } })
    .addUser({ id: 'U0THIRD', name: 'third' });
});
afterAll(() => slack.stop());
beforeEach(() => {
  clock = NOW;
  slack.requests.length = 0;
  rec.logs.length = 0;
});

const profiles = (maxEntries?: number) =>
  new SlackProfiles({
    client: slackWebClient('xoxb-test-token', slack.apiUrl, rec.deps.logger),
    logger: rec.deps.logger,
    now: () => clock,
    ...(maxEntries ? { maxEntries } : {}),
  });

describe('SlackProfiles', () => {
  it('name from the display name (else the real name), department from the title', async () => {
    const p = profiles();
    expect(await p.profile('U061F7AUR')).toEqual({ name: 'li.lei', department: 'Payroll' });
    expect(await p.profile('U0NODISP')).toEqual({ name: 'Wang Fang' });
    expect(slack.calls('users.info').every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('asks once per hour per user; concurrent asks share one call', async () => {
    const p = profiles();
    await Promise.all([p.profile('U061F7AUR'), p.profile('U061F7AUR'), p.profile('U061F7AUR')]);
    clock += 59 * 60_000;
    await p.profile('U061F7AUR');
    expect(slack.calls('users.info')).toHaveLength(1);
    clock += 2 * 60_000;
    await p.profile('U061F7AUR');
    expect(slack.calls('users.info')).toHaveLength(2);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const p = profiles(2);
    await p.profile('U061F7AUR');
    await p.profile('U0NODISP');
    await p.profile('U061F7AUR'); // now the most recent
    await p.profile('U0THIRD'); // evicts U0NODISP
    await p.profile('U061F7AUR');
    expect(slack.calls('users.info')).toHaveLength(3);
    await p.profile('U0NODISP');
    expect(slack.calls('users.info')).toHaveLength(4);
  });

  it('an unknown user is undefined, logged, and remembered; a transient failure is not remembered', async () => {
    const p = profiles();
    expect(await p.profile('U0NOBODY')).toBeUndefined();
    expect(await p.profile('U0NOBODY')).toBeUndefined();
    expect(slack.calls('users.info')).toHaveLength(1);
    slack.cue('users.info', { status: 500, body: 'oops' });
    expect(await p.profile('U0THIRD')).toBeUndefined();
    expect(await p.profile('U0THIRD')).toEqual({ name: 'third' });
    await settle();
    expect(rec.logs.filter((l) => l.level === 40).map((l) => l.code)).toEqual(['user_not_found', 'http_500']);
  });
});
