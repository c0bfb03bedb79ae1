import type OpenAI from 'openai';
import { HelplineError } from '../errors.ts';
import type { ChatMessage, ChatModel } from './chat-model.ts';

export class OpenAiChatModel implements ChatModel {
  readonly model: string;
  private readonly client: OpenAI;

  constructor(client: OpenAI, model: string) {
    this.client = client;
    this.model = model;
  }

  async complete(
    messages: ChatMessage[],
    options: { temperature?: number; maxTokens?: number; json?: boolean } = {},
  ): Promise<string> {
    try {
      const res = await this.client.chat.completions.create({
        model: this.model,
        messages,
        temperature: options.temperature ?? 0.1,
        max_tokens: options.maxTokens ?? 800,
        ...(options.json ? { response_format: { type: 'json_object' as const } } : {}),
      });
      const text = res.choices[0]?.message?.content;
      if (typeof text !== 'string') throw new Error('the response has no message content');
      return text;
    } catch (err) {
      throw new HelplineError(
        'LLM_FAILED',
        `The chat model "${this.model}" failed: ${(err as Error).message}. Check OPENAI_BASE_URL, OPENAI_API_KEY and HELPLINE_CHAT_MODEL.`,
        { cause: err },
      );
    }
  }
}
