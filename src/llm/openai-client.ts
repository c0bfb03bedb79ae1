/** One place that builds the OpenAI client from configuration (any OpenAI-compatible endpoint). */
import { createRequire } from 'node:module';
import type OpenAI from 'openai';

// Loaded on first use: `openai` is a few hundred modules, and most starts configure no endpoint.
const require = createRequire(import.meta.url);

export interface OpenAiSettings {
  baseURL?: string;
  apiKey?: string;
  /** @defaultValue 20000 ms per attempt. */
  timeoutMs?: number;
  /** @defaultValue 1; answers use 0 so a slow model costs one timeout, not two, before the fallback. */
  maxRetries?: number;
}

export function openAiClient(s: OpenAiSettings): OpenAI {
  const { OpenAI: Client } = require('openai') as typeof import('openai');
  return new Client({
    baseURL: s.baseURL,
    // Local endpoints (vLLM, Ollama) accept any key; the client insists on one.
    apiKey: s.apiKey || 'not-needed',
    timeout: s.timeoutMs ?? 20_000,
    maxRetries: s.maxRetries ?? 1,
  });
}
