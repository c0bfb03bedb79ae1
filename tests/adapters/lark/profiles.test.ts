import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkApi } from '../../../adapters/lark/api.ts';
import { LarkProfiles } from '../../../adapters/lark/profiles.ts';
import { type LarkApiStandIn, larkCues, startLarkApiStandIn } from '../../support/lark-api-stand-in.ts';
import { capturingLogger } from './helpers.ts';

const EMPLOYEE = 'ou_84aad35d084aa403a838cf73ee18467';

let lark: LarkApiStandIn;
let clock: number;
let log: ReturnType<typeof capturingLogger>;
let profiles: LarkProfiles;

beforeEach(async () => {
  lark = await startLarkApiStandIn({
    users: {
      [EMPLOYEE]: { name: '韩梅梅', department_ids: ['od-4e6ac4d14bcd5071a37a39de902c7141', 'od-2'] },
      ou_nodept0000000000000000000000000: { name: 'Li Lei' },
    },
    departments: { 'od-4e6ac4d14bcd5071a37a39de902c7141': { name: '上海研发中心' } },
  });
  clock = 1_735_689_600_000;
  log = capturingLogger();
  const api = createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url }, log.logger);
  profiles = new LarkProfiles({ api, logger: log.logger, now: () => clock, ttlMs: 60_000, maxEntries: 2 });
});
afterEach(async () => {
  await lark.close();
});

const userCalls = () => lark.callsTo('GET /open-apis/contact/v3/users/');

describe('LarkProfiles', () => {
  it('returns the name and the first department’s name', async () => {
    expect(await profiles.profile(EMPLOYEE)).toEqual({ name: '韩梅梅', department: '上海研发中心' });
    expect(userCalls()[0].query).toMatchObject({
      user_id_type: 'open_id',
      department_id_type: 'open_department_id',
    });
    expect(lark.callsTo('GET /open-apis/contact/v3/departments/')[0].path).toBe(
      '/open-apis/contact/v3/departments/od-4e6ac4d14bcd5071a37a39de902c7141',
    );
  });

  it('answers from the cache within the TTL, asks again after it', async () => {
    await profiles.profile(EMPLOYEE);
    await profiles.profile(EMPLOYEE);
    expect(userCalls()).toHaveLength(1);
    clock += 60_001;
    await profiles.profile(EMPLOYEE);
    expect(userCalls()).toHaveLength(2);
  });

  it('shares one request between concurrent lookups of a user', async () => {
    const [a, b] = await Promise.all([profiles.profile(EMPLOYEE), profiles.profile(EMPLOYEE)]);
    expect(a).toEqual(b);
    expect(userCalls()).toHaveLength(1);
  });

  it('keeps at most maxEntries users, dropping the oldest', async () => {
    await profiles.profile(EMPLOYEE);
    await profiles.profile('ou_nodept0000000000000000000000000');
    await profiles.profile('ou_unknown000000000000000000000000');
    await profiles.profile(EMPLOYEE);
    expect(userCalls().filter((c) => c.path.endsWith(EMPLOYEE))).toHaveLength(2);
  });

  it('a user without departments has a name only', async () => {
    expect(await profiles.profile('ou_nodept0000000000000000000000000')).toEqual({ name: 'Li Lei' });
  });

  it('failures give undefined, never throw, and are logged at warn once', async () => {
    expect(await profiles.profile('ou_unknown000000000000000000000000')).toBeUndefined();
    expect(await profiles.profile('ou_unknown111111111111111111111111')).toBeUndefined();
    const refusals = log.lines.filter((l) => String(l.msg).includes('refused the user lookup'));
    expect(refusals.map((l) => l.level)).toEqual([40, 20]);
    expect(refusals[0]).toMatchObject({ code: 41050 });
  });

  it('a network failure or 5xx is not cached; a refusal is, for the negative TTL', async () => {
    lark.fail(larkCues.serverError(500, 'GET /open-apis/contact/v3/users/'));
    expect(await profiles.profile(EMPLOYEE)).toBeUndefined();
    expect(await profiles.profile(EMPLOYEE)).toEqual({ name: '韩梅梅', department: '上海研发中心' });
    const unknown = 'ou_unknown000000000000000000000000';
    await profiles.profile(unknown);
    await profiles.profile(unknown);
    expect(userCalls().filter((c) => c.path.endsWith(unknown))).toHaveLength(1);
    clock += 300_001;
    await profiles.profile(unknown);
    expect(userCalls().filter((c) => c.path.endsWith(unknown))).toHaveLength(2);
  });

  it('a department lookup that fails still gives the name', async () => {
    lark.fail({
      match: 'GET /open-apis/contact/v3/departments/',
      status: 400,
      code: 99991672,
      msg: 'no scope',
    });
    expect(await profiles.profile(EMPLOYEE)).toEqual({ name: '韩梅梅' });
  });
});
