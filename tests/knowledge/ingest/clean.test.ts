import { describe, expect, it } from 'vitest';
import { cleanMarkdown, normalizeWhitespace, stripTemplates } from '../../../src/knowledge/ingest/clean.ts';

describe('cleanMarkdown: template tags (Jekyll/Liquid pages)', () => {
  const page = [
    '{% alert %}',
    '  Current employees can use this <a href="https://example.com/chart">leave comparison chart</a>.',
    '{% endalert %}',
    '',
    'Before you take leave, check [out of office expectations]({% page "travel-and-leave/going-out-of-office/" %}).',
    '',
    'Ask in the {% slack_channel "people-ops" %} channel.',
    '',
    '- {% slack_channel "parents" %}',
    '- Parents group',
    '',
    '{% image "_img/equipment/1.png" "secure password tips" %}',
    '',
    'Hello {{ site.name }}!',
    '{% comment %}internal note: do not publish{% endcomment %}',
  ].join('\n');
  const text = cleanMarkdown(page);

  it('keeps the text between paired block tags and drops the tags', () => {
    expect(text).toContain('Current employees can use this leave comparison chart.');
    expect(text).not.toMatch(/alert|\{%|%\}/);
  });

  it('turns a link whose target is a {% page %} tag into its text', () => {
    expect(text).toContain('Before you take leave, check out of office expectations.');
  });

  it('writes a Slack channel tag as the channel people look for', () => {
    expect(text).toContain('Ask in the #people-ops channel.');
    expect(text).toContain('- #parents\n- Parents group');
  });

  it('drops {{ }} expressions with no value here, image tags and {% comment %} blocks with their content', () => {
    expect(text).toContain('Hello !');
    expect(text).not.toContain('secure password tips');
    expect(text).not.toContain('internal note');
    expect(text).not.toMatch(/^-\s*$/m);
  });
});

describe('cleanMarkdown: tags that print text', () => {
  const cases: Array<[string, string]> = [
    // The 18F handbook's lost-equipment steps: the channel was the whole point of step 3.
    [
      '1. Inform your team.\n1. Inform {% slack_channel "equipment" %}.',
      '1. Inform your team.\n1. Inform #equipment.',
    ],
    ['Ask {% slack_channel "#people-ops" %} today', 'Ask #people-ops today'],
    [
      'In all of these cases, {% slack_channel "people-ops" "PeopleOps" %} / the team',
      'In all of these cases, PeopleOps / the team',
    ],
    ["{%- slack_channel 'vets' -%} is open", '#vets is open'],
    ['Read the [leave page]({% page "/leave/" %}) first.', 'Read the leave page first.'],
    ['See {% page "/travel-and-leave/overtime/" %}.', 'See /travel-and-leave/overtime/.'],
    ['Call {{ "the IT desk" | upcase }} now.', 'Call the IT desk now.'],
    ['Hi {{ page.author }}, {{ site.title }} here.', 'Hi , here.'],
    ['Use {% if beta %}the new {% endif %}client.', 'Use the new client.'],
    ['{% include footer.html note="Do not print" %}Done.', 'Done.'],
    ['{% image "_img/a.png" "alt text" %}\nText.', 'Text.'],
    ['Broken {% slack_channel %} tag.', 'Broken tag.'],
  ];
  it.each(cases)('%j', (md, clean) => {
    expect(cleanMarkdown(md)).toBe(clean);
  });
});

describe('cleanMarkdown: Markdown syntax', () => {
  it('turns inline, reference and multi-line links into their text and drops reference definitions', () => {
    const md = [
      'See [the guide](https://x.test/a_(b) "Guide") and [HR Links][hr] or [payroll].',
      'Read the [benefits links',
      'page](/benefits/) and [Employee Guide [DOCX - 61 KB]](https://x.test/g.docx).',
      '',
      '[hr]: https://hrlinks.test',
      '[payroll]: https://payroll.test "Payroll"',
    ].join('\n');
    expect(cleanMarkdown(md)).toBe(
      'See the guide and HR Links or payroll.\nRead the benefits links\npage and Employee Guide [DOCX - 61 KB].',
    );
  });

  it('drops images, HTML comments and raw HTML tags but keeps the tag text', () => {
    const md =
      '![screenshot](a.png) Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.<br>Done <!-- TODO -->\n<!-- INFO END -->';
    expect(cleanMarkdown(md)).toBe('Press Ctrl+C.\nDone');
  });

  it('removes emphasis markers, also across a line break, but not underscores inside words', () => {
    const md =
      '**Bold** and __strong__ and *em* and _em_ and `code` and ~~old~~ in file_name_here.\n**two\nlines**';
    expect(cleanMarkdown(md)).toBe(
      'Bold and strong and em and em and code and old in file_name_here.\ntwo\nlines',
    );
  });

  it('keeps list bullets, table cells (minus padding and rule rows) and backslash-escaped characters', () => {
    const md =
      '* first\n* second\n\n| Plan     | Link      |\n|----------|:---------:|\n| FSA      | fsafeds   |\n\n1 \\* 2 \\= 2';
    expect(cleanMarkdown(md)).toBe('* first\n* second\n\n| Plan | Link |\n| FSA | fsafeds |\n\n1 * 2 = 2');
  });

  it('drops inline base64 images however long their data URI', () => {
    const md = `Before ![chart](data:image/png;base64,${'A'.repeat(50_000)}) after <img src="data:image/png;base64,${'B'.repeat(50_000)}">.`;
    expect(cleanMarkdown(md)).toBe('Before after .');
  });

  it('stays linear on a large file full of unmatched markup', () => {
    const md = '**word [link <a text *em _x `code {% tag {{ expr <!-- c\n'.repeat(20_000);
    const started = performance.now();
    cleanMarkdown(md);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('decodes HTML entities', () => {
    expect(cleanMarkdown('Q&amp;A &lt;HR&gt; &#8212; &#x4e2d;')).toBe('Q&A <HR> — 中');
  });

  it('keeps headings (minus closing hashes and {#ids}) and drops thematic breaks', () => {
    expect(cleanMarkdown('## Leave ##\n\n---\n\n### Sick leave {#sick}\ntext')).toBe(
      '## Leave\n\n### Sick leave\ntext',
    );
  });

  it('leaves fenced code alone apart from template tags', () => {
    const md = 'Run:\n\n```sh\n# not a heading: **keep** [x](y)\n```\n\nAfter **bold**';
    expect(cleanMarkdown(md)).toBe('Run:\n\n```sh\n# not a heading: **keep** [x](y)\n```\n\nAfter bold');
  });

  it('keeps Chinese wording, full-width punctuation and 《<…>》 titles exactly', () => {
    const md =
      '第一条　为了完善劳动合同制度，制定本法。\n\n《关于修改<中华人民共和国劳动合同法>的决定》（一）：１２３';
    expect(cleanMarkdown(md)).toBe(md);
  });
});

describe('whitespace', () => {
  it('trims trailing spaces, collapses blank-line runs, keeps inner spacing', () => {
    expect(normalizeWhitespace('\r\n\r\na  b   \r\n\r\n\r\n\r\nc\t\n\n')).toBe('a  b\n\nc');
  });

  it('stripTemplates removes tags anywhere, even across lines', () => {
    expect(normalizeWhitespace(stripTemplates('a {%\n if x\n%} b {{ y }} c'))).toBe('a b c');
  });
});
