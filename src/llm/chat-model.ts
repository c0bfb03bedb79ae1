/** A chat-completion model. The OpenAI-compatible implementation is openai-chat.ts. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatModel {
  readonly model: string;
  complete(
    messages: ChatMessage[],
    options?: { temperature?: number; maxTokens?: number; json?: boolean },
  ): Promise<string>;
}
