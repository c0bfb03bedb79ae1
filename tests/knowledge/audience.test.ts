/**
 * Knowledge with an audience (DESIGN §7, issue 13 item 6): a document whose front matter names who
 * may read it is never cited to anyone else, by search or by the assistant's answer, whatever the
 * channel; the same role table as the API (src/access/policy.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_ROLES } from '../../src/access/policy.ts';
import { answerQuestion } from '../../src/assistant/answer-question.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';

let kb: KnowledgeBase;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-audience-'));
  writeFileSync(
    join(dir, 'payroll-runbook.md'),
    `---
title: Payroll correction runbook
audience: [hr_admin, l2]
---
# Payroll correction runbook

## Re-running a failed payroll batch
Open the payroll console, choose Batches, select the failed batch and press Re-run with the corrected bank file.
`,
  );
  writeFileSync(
    join(dir, 'payslips.md'),
    `# Payslips

## Where to find your payslip
Your payslip is in the e-HR app under Me → Payslips on the 10th of every month.
`,
  );
  const { passages } = await ingestKb(dir);
  kb = new KnowledgeBase(passages);
});

const sources = (r: { results: { passage: { source: string } }[] }) => r.results.map((x) => x.passage.source);

describe('passages with an audience', () => {
  it('front matter sets the audience of every passage of the document', () => {
    const runbook = kb.passages.filter((p) => p.source === 'payroll-runbook.md');
    expect(runbook.length).toBeGreaterThan(0);
    for (const p of runbook) expect(p.audience).toEqual(['hr_admin', 'l2']);
    expect(kb.passages.find((p) => p.source === 'payslips.md')?.audience).toBeUndefined();
  });

  const QUESTION = 'how do I re-run a failed payroll batch with the corrected bank file';
  const TABLE = { employee: false, hr_admin: true, l2: true, l3: false, admin: true } as const;

  it.each(ACCESS_ROLES)('search as %s follows the role table', async (role) => {
    const found = sources(await kb.search(QUESTION, 5, { reader: role }));
    expect(found.includes('payroll-runbook.md')).toBe(TABLE[role]);
    expect(sources(kb.searchLexical(QUESTION, 5, { reader: role })).includes('payroll-runbook.md')).toBe(
      TABLE[role],
    );
  });

  it('the answer to an employee never cites it; an HR admin gets it', async () => {
    const employee = await answerQuestion({ kb, reader: 'employee' }, QUESTION);
    expect(employee.reply.citations.map((c) => c.source)).not.toContain('payroll-runbook.md');
    expect(employee.reply.text).not.toMatch(/Re-run with the corrected bank file/);
    const hr = await answerQuestion({ kb, reader: 'hr_admin' }, QUESTION);
    expect(hr.reply.citations.map((c) => c.source)).toContain('payroll-runbook.md');
  });

  it('with no reader (the CLI, evaluations) every passage is searchable', async () => {
    expect(sources(await kb.search(QUESTION, 5))).toContain('payroll-runbook.md');
  });
});
