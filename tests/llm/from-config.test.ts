/**
 * Wiring from configuration: dense retrieval and the chat model switch on with an OpenAI-compatible
 * endpoint, and the default (no endpoint) path makes no request at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { embeddingText } from '../../src/knowledge/embed-passages.ts';
import { openKnowledgeBase } from '../../src/knowledge/open-kb.ts';
import { chatModelFor } from '../../src/llm/from-config.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { tempDir } from './fixtures.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
afterAll(() => standIn.close());

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  standIn.reset();
  ({ dir: root, cleanup } = await tempDir());
  const put = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(root, 'kb', rel)), { recursive: true });
    await writeFile(path.join(root, 'kb', rel), text);
  };
  await put(
    'hr/leave.md',
    '---\ntitle: Leave\n---\n## Annual leave\nYou get 20 days of annual leave a year. Request it in the HR portal.\n## Sick leave\nSick leave needs a note from a doctor after three days.',
  );
  await put('it/vpn.md', '# VPN\n\n## Password reset\nReset your VPN password in the self-service portal.');
  await put('hr/年假.md', '# 年假\n\n职工连续工作1年以上的，享受带薪年休假。');
});
afterEach(() => cleanup());

/** Configuration as `helpline` would load it: this YAML file, then these environment variables. */
async function config(env: Record<string, string> = {}, yaml = '') {
  const file = path.join(root, 'helpline.config.yaml');
  await writeFile(file, yaml);
  return loadConfig({
    env: { HELPLINE_KB: path.join(root, 'kb'), HELPLINE_DATA: path.join(root, 'data'), ...env },
    file,
  });
}
const vectorFiles = () =>
  readdirSync(path.join(root, 'data', 'kb-cache')).filter((f) => f.endsWith('.vectors.json'));
const embedded = () => standIn.embeddingRequests().flatMap((r) => r.input);

describe('openKnowledgeBase', () => {
  const endpoint = () => ({
    OPENAI_BASE_URL: standIn.url,
    OPENAI_API_KEY: 'test-key',
    HELPLINE_EMBEDDING_MODEL: 'test-embed',
  });

  it('turns dense retrieval on with an endpoint and an embedding model, caching the vectors on disk', async () => {
    const opened = await openKnowledgeBase(await config(endpoint()));
    expect(opened.dense).toBe(true);
    expect(embedded()).toHaveLength(opened.kb.passages.length);
    expect(standIn.embeddingRequests()[0].model).toBe('test-embed');
    expect(standIn.requests[0].headers.authorization).toBe('Bearer test-key');
    expect(vectorFiles()).toHaveLength(1);
    const cache = JSON.parse(readFileSync(path.join(root, 'data', 'kb-cache', vectorFiles()[0]), 'utf8'));
    expect(cache.model).toBe('test-embed');
    expect(Object.keys(cache.vectors)).toHaveLength(opened.kb.passages.length);

    standIn.reset();
    const result = await opened.kb.search('How many days of annual leave do I get?');
    expect(embedded()).toEqual(['How many days of annual leave do I get?']);
    expect(result.answerable).toBe(true);
    expect(result.results[0].passage.heading).toBe('Annual leave');
  });

  it('reopens from the cache without embedding anything again', async () => {
    await openKnowledgeBase(await config(endpoint()));
    standIn.reset();
    const again = await openKnowledgeBase(await config(endpoint()));
    expect(again.dense).toBe(true);
    expect(standIn.requests).toHaveLength(0);
  });

  it('embeds only the new passage after a file is added', async () => {
    const first = await openKnowledgeBase(await config(endpoint()));
    standIn.reset();
    await writeFile(
      path.join(root, 'kb', 'it', 'printer.md'),
      '# Printer\n\nAdd the office printer under Settings > Printers.',
    );
    const second = await openKnowledgeBase(await config(endpoint()));
    expect(second.kb.passages).toHaveLength(first.kb.passages.length + 1);
    const printer = second.kb.passages.filter((p) => p.source === 'it/printer.md');
    expect(printer).toHaveLength(1);
    expect(embedded()).toEqual([embeddingText(printer[0])]);
  });

  it('stays lexical, with no request, when no LLM endpoint is configured', async () => {
    const opened = await openKnowledgeBase(await config({ HELPLINE_EMBEDDING_MODEL: 'test-embed' }));
    expect(opened.dense).toBe(false);
    const result = await opened.kb.search('How many days of annual leave do I get?');
    expect(result.results[0].passage.heading).toBe('Annual leave');
    expect(vectorFiles()).toHaveLength(0);
    expect(standIn.requests).toHaveLength(0);
  });

  it('stays lexical when the endpoint has no embedding model', async () => {
    const opened = await openKnowledgeBase(
      await config({ OPENAI_BASE_URL: standIn.url, OPENAI_API_KEY: 'test-key' }),
    );
    expect(opened.dense).toBe(false);
    await opened.kb.search('VPN password');
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('chatModelFor', () => {
  let local: OpenAiStandIn;
  beforeAll(async () => {
    // Like vLLM or Ollama on the same machine: no API key needed.
    local = await startOpenAiStandIn({ reply: () => 'from the local model' });
  });
  beforeEach(() => local.reset());
  afterAll(() => local.close());

  it('is undefined by default: answers are extractive', async () => {
    expect(chatModelFor(await config())).toBeUndefined();
  });

  it('is a model when only OPENAI_BASE_URL is set, and talks to that endpoint', async () => {
    const model = chatModelFor(
      await config({ OPENAI_BASE_URL: local.url, HELPLINE_CHAT_MODEL: 'qwen2.5-7b-instruct' }),
    );
    expect(model?.model).toBe('qwen2.5-7b-instruct');
    await expect(model?.complete([{ role: 'user', content: 'hi' }])).resolves.toBe('from the local model');
    expect(local.chatRequests()[0]).toMatchObject({
      model: 'qwen2.5-7b-instruct',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('is a model when only OPENAI_API_KEY is set, with the default chat model', async () => {
    expect(chatModelFor(await config({ OPENAI_API_KEY: 'sk-test' }))?.model).toBe('gpt-4o-mini');
  });

  it('sends the configured API key', async () => {
    standIn.reply = () => 'ok';
    const model = chatModelFor(await config({ OPENAI_BASE_URL: standIn.url, OPENAI_API_KEY: 'test-key' }));
    await expect(model?.complete([{ role: 'user', content: 'hi' }])).resolves.toBe('ok');
    expect(standIn.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('is undefined when answers.mode is extractive, endpoint or not', async () => {
    const yaml = 'answers:\n  mode: extractive\n';
    expect(
      chatModelFor(await config({ OPENAI_BASE_URL: local.url, OPENAI_API_KEY: 'sk-test' }, yaml)),
    ).toBeUndefined();
    expect(local.requests).toHaveLength(0);
  });
});
