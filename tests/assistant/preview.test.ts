import { describe, expect, it } from 'vitest';
import { previewReply } from '../../src/assistant/preview.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import { classify } from '../../src/triage/classify.ts';
import { SAMPLE } from '../support/passages.ts';

const deps = {
  kb: new KnowledgeBase(SAMPLE, { synonyms: DEFAULT_SYNONYMS }),
  classify,
  policy: DEFAULT_SLA_POLICY,
};

describe('previewReply: what the bot would do with one message (helpline ask)', () => {
  it('a report of something broken is a ticket with its severity, category and target', async () => {
    const reply = await previewReply(deps, '打卡系统全员进不去了，全公司都打不了卡');
    expect(reply.action).toBe('ticket');
    expect(reply.lang).toBe('zh');
    expect(reply.text).toMatch(/工单 · P0（考勤）.*15 分钟/);
  });

  it('asking for a person is a ticket that goes to a person', async () => {
    const reply = await previewReply(deps, 'talk to a human');
    expect(reply).toMatchObject({ action: 'ticket', lang: 'en' });
    expect(reply.text).toContain('goes to a person');
  });

  it('a how-to question is answered from the KB, a greeting is asked what it needs', async () => {
    expect((await previewReply(deps, '怎么请年假')).action).toBe('answered');
    expect((await previewReply(deps, 'hi')).action).toBe('clarify');
  });
});

describe('small talk', () => {
  it('thanks get "you\'re welcome", a greeting gets what the bot can help with', async () => {
    for (const text of ['thanks!', 'thx', '谢谢', 'Thank you, that fixed it'])
      expect((await previewReply(deps, text)).text).toMatch(/welcome|不客气/);
    expect((await previewReply(deps, 'hi')).text).toMatch(/I can help/);
    expect((await previewReply(deps, '谢谢，那病假呢？')).text).not.toMatch(/不客气/);
  });
});
