import type { Config } from '../config/schema.ts';
import { llmEnabled } from '../config/schema.ts';
import type { ChatModel } from './chat-model.ts';
import { OpenAiChatModel } from './openai-chat.ts';
import { openAiClient } from './openai-client.ts';

/** The chat model answers are written with, or undefined for extractive answers. */
export function chatModelFor(config: Config): ChatModel | undefined {
  const wanted =
    config.answers.mode === 'generative' || (config.answers.mode === 'auto' && llmEnabled(config));
  if (!wanted) return undefined;
  return new OpenAiChatModel(
    openAiClient({ baseURL: config.llm.baseUrl, apiKey: config.llm.apiKey, maxRetries: 0 }),
    config.llm.chatModel,
  );
}
