/**
 * `npm run triage:build`: train the triage model on the labelled sets (the original set and the voice
 * sets) and write src/triage/data/triage-model.json with the hash of its inputs. Run it after changing
 * training data or feature/signal/model code; the artifact test says when it is due.
 */
import { relative } from 'node:path';
import { MODEL_ARTIFACT_PATH, writeModelArtifact } from '../model-artifact.ts';
import { loadTrainingData } from '../training-data.ts';
import { SHIPPED_MODEL_OPTIONS, trainTriageModel } from '../triage-model.ts';

const { original, voices } = loadTrainingData();
const model = trainTriageModel([...original, ...voices], SHIPPED_MODEL_OPTIONS);
const hash = writeModelArtifact(model);
console.log(
  `triage model: ${original.length} original + ${voices.length} voice examples, trained in ${Math.round(model.trainMs)} ms → ${relative(process.cwd(), MODEL_ARTIFACT_PATH)} (inputs ${hash.slice(0, 12)})`,
);
