import type OpenAI from 'openai';
import { HelplineError } from '../errors.ts';
import type { Embedder } from './embedder.ts';

/** Embeddings from any OpenAI-compatible endpoint, in batches the endpoint accepts. */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly batchSize: number;

  constructor(client: OpenAI, model: string, batchSize = 64) {
    this.client = client;
    this.model = model;
    this.batchSize = batchSize;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      try {
        const res = await this.client.embeddings.create({ model: this.model, input: batch });
        const sorted = [...res.data].sort((a, b) => a.index - b.index);
        if (sorted.length !== batch.length)
          throw new Error(`expected ${batch.length} vectors, got ${sorted.length}`);
        for (const d of sorted) out.push(d.embedding);
      } catch (err) {
        throw new HelplineError(
          'EMBEDDING_FAILED',
          `The embedding model "${this.model}" failed: ${(err as Error).message}. Check OPENAI_BASE_URL and HELPLINE_EMBEDDING_MODEL, or unset them to use lexical search only.`,
          { cause: err },
        );
      }
    }
    return out;
  }
}
