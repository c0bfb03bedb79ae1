/**
 * Clustering unanswered questions (src/knowledge/upkeep/cluster-questions.ts) on small zh+en sets:
 * paraphrases land together, different topics apart. Both sets were written before the code ran;
 * the weighting was then changed once (unknown bigrams capped, characters added) after looking at
 * the first set, so its figure is a training score; the second was not looked at before that.
 * Known miss: 食堂几点开饭 / 食堂午饭时间 share only 食堂 and 饭 — as much as 食堂几点开饭 shares
 * with 班车几点发车 — so they stay apart.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYNONYMS, synonymTable } from '../../../src/knowledge/synonyms.ts';
import { clusterQuestions, cosine, questionVector } from '../../../src/knowledge/upkeep/cluster-questions.ts';

const synonyms = synonymTable(DEFAULT_SYNONYMS);

/** Each inner list is one expected cluster. */
const FIRST: string[][] = [
  ['公司班车早上几点发车', '班车几点出发？', '早上的班车时间是几点'],
  [
    'Where can I park my car at the office?',
    'is there parking at the office',
    'how do I get a parking space',
  ],
  ['公司有健身房吗', '健身房在哪里，怎么办卡'],
  ['Can I bring my dog to the office?', 'are pets allowed in the office? dogs?'],
  ['食堂几点开饭', '食堂午饭时间'],
  ['where is my pay stub for march', "can't find my march payslip"],
  ['公司年会什么时候举办'],
  ['How do I book a meeting room?'],
];

const SECOND: string[][] = [
  ['停车场怎么申请车位', '公司停车位怎么申请', '有没有员工停车场'],
  ['WiFi password for guests', "what's the guest wifi password"],
  ['工牌丢了怎么补办', '员工卡丢失补办'],
  ['Is there a company shuttle from the metro station?', 'shuttle bus schedule from metro'],
  ['年终奖什么时候发'],
  ['Can I work from home on Fridays?'],
];

/** Pairwise agreement with the expected clusters (Rand index) and the exact-match flag. */
function score(sets: string[][]) {
  const texts = sets.flat();
  const truth = sets.flatMap((s, k) => s.map(() => k));
  const got = clusterQuestions(texts, { synonyms });
  const label = new Array<number>(texts.length);
  got.forEach((g, k) => {
    for (const i of g) label[i] = k;
  });
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      pairs++;
      if ((truth[i] === truth[j]) === (label[i] === label[j])) agree++;
    }
  return { rand: agree / pairs, groups: got.map((g) => g.map((i) => texts[i])) };
}

describe('clustering unanswered questions', () => {
  it('groups paraphrases and keeps topics apart (pairwise agreement ≥ 0.95 on each set)', () => {
    const first = score(FIRST);
    const second = score(SECOND);
    console.log(
      `pairwise agreement: first set ${first.rand.toFixed(3)}, second set ${second.rand.toFixed(3)}`,
    );
    expect(first.rand).toBeGreaterThanOrEqual(0.95);
    expect(second.rand).toBeGreaterThanOrEqual(0.95);
    expect(second.groups).toEqual(SECOND);
    // Every expected group of the first set but the canteen one comes out whole.
    for (const group of FIRST.filter((g) => !g[0].startsWith('食堂')))
      expect(first.groups).toContainEqual(group);
  });

  it('synonym groups join different words for one thing; function words weigh little', () => {
    const a = questionVector('工资条在哪里看', synonyms);
    const b = questionVector('工资单在哪里看', synonyms);
    const c = questionVector('年假在哪里看', synonyms);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
    expect(cosine(a, c)).toBeLessThan(0.35);
  });

  it('handles nothing and one question', () => {
    expect(clusterQuestions([])).toEqual([]);
    expect(clusterQuestions(['hello'])).toEqual([[0]]);
  });
});
