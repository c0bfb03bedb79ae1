/** One place that builds the OpenAI client from configuration (any OpenAI-compatible endpoint). */
import OpenAI from 'openai';

export interface OpenAiSettings {
  baseURL?: string;
  apiKey?: string;
  /** @defaultValue 20000 ms: an answer that takes longer is replaced by the extractive one. */
  timeoutMs?: number;
}

export function openAiClient(s: OpenAiSettings): OpenAI {
  return new OpenAI({
    baseURL: s.baseURL,
    // Local endpoints (vLLM, Ollama) accept any key; the client insists on one.
    apiKey: s.apiKey || 'not-needed',
    timeout: s.timeoutMs ?? 20_000,
    maxRetries: 1,
  });
}
