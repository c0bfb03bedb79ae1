/** The chat model triage asks for a second opinion: the configured endpoint, bounded by the budget. */
import type { Config } from '../config/schema.ts';
import { llmEnabled } from '../config/schema.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { OpenAiChatModel } from '../llm/openai-chat.ts';
import { openAiClient } from '../llm/openai-client.ts';
import { DEFAULT_LLM_TRIAGE_BUDGET_MS } from './llm-classify.ts';

/**
 * The triage chat model, or undefined without an LLM endpoint. No retries and a client timeout equal
 * to the budget: a slow endpoint costs one budget, then the offline result stands.
 */
export function triageChatModelFor(
  config: Config,
  budgetMs = DEFAULT_LLM_TRIAGE_BUDGET_MS,
): ChatModel | undefined {
  if (!llmEnabled(config)) return undefined;
  return new OpenAiChatModel(
    openAiClient({
      baseURL: config.llm.baseUrl,
      apiKey: config.llm.apiKey,
      timeoutMs: budgetMs,
      maxRetries: 0,
    }),
    config.llm.chatModel,
  );
}
