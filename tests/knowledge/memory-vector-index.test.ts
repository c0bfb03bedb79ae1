import { MemoryVectorIndex } from '../../src/knowledge/vector-index.ts';
import { describeVectorIndexContract } from './vector-index.contract.ts';

describeVectorIndexContract('in-process', async () => ({
  create: () => new MemoryVectorIndex(),
  cleanup: async () => {},
}));
