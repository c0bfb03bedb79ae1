/**
 * The VectorIndex contract against a real Qdrant, when QDRANT_URL (and QDRANT_API_KEY if it needs
 * one) is set in the environment; skipped otherwise, since Qdrant cannot run on these machines.
 * Each test uses a new collection and deletes it afterwards.
 */
import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { describe, it } from 'vitest';
import { QdrantVectorIndex } from '../../src/knowledge/qdrant-vector-index.ts';
import { describeVectorIndexContract } from './vector-index.contract.ts';

const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY;

if (url) {
  describeVectorIndexContract(`Qdrant at ${url}`, async () => {
    const collection = `helpline_test_${randomUUID().slice(0, 8)}`;
    return {
      create: () => new QdrantVectorIndex({ url, apiKey, collection }),
      cleanup: async () => {
        const client = new QdrantClient({
          url,
          headers: apiKey ? { 'api-key': apiKey } : undefined,
          checkCompatibility: false,
        });
        if ((await client.collectionExists(collection)).exists) await client.deleteCollection(collection);
      },
    };
  });
} else {
  describe('VectorIndex contract: real Qdrant', () => {
    it.skip('needs QDRANT_URL set to a running Qdrant', () => {});
  });
}
