import { describe, expect, it } from 'vitest';
import { classify } from '../../src/triage/classify.ts';
import {
  MODEL_ARTIFACT_PATH,
  modelInputsHash,
  parseTriageModel,
  readModelArtifact,
  serializeTriageModel,
} from '../../src/triage/model-artifact.ts';
import { loadTrainingSet } from '../../src/triage/training-data.ts';
import { trainTriageModel } from '../../src/triage/triage-model.ts';

describe('the shipped triage model (data/triage-model.json)', () => {
  it('was built from the current training data and code — else run `npm run triage:build`', () => {
    const artifact = readModelArtifact();
    expect(
      artifact.inputsHash,
      `${MODEL_ARTIFACT_PATH} is stale: the training data or the feature/signal/model code changed since it was built. Run \`npm run triage:build\` and commit the result.`,
    ).toBe(modelInputsHash());
  });

  it('round-trips: a model read back from its JSON predicts exactly what the trained one does', () => {
    const trained = trainTriageModel(loadTrainingSet().slice(0, 300));
    const read = parseTriageModel(serializeTriageModel(trained, 'test'));
    expect(read.examples).toBe(300);
    for (const text of ['全公司打不了卡', 'my payslip is wrong', '怎么请年假', 'hi', '']) {
      expect(classify({ text }, read)).toEqual(classify({ text }, trained));
    }
  });

  it('refuses a file of another format with a message that says how to rebuild it', () => {
    expect(() => parseTriageModel('{"format": 99, "heads": []}', 'x.json')).toThrow(/npm run triage:build/);
    expect(() => parseTriageModel('not json', 'x.json')).toThrow(/npm run triage:build/);
  });
});
