/** Turns texts into vectors. The OpenAI-compatible implementation is in openai-embedder.ts. */
export interface Embedder {
  /** One vector per text, same order. */
  embed(texts: string[]): Promise<number[][]>;
  /** A name that identifies the model, so cached vectors of another model are not reused. */
  readonly model: string;
}
