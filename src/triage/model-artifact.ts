/**
 * The trained triage model as a file, so no process trains at start. `npm run triage:build` trains on
 * the labelled sets and writes data/triage-model.json with the hash of everything the weights depend
 * on (the training files and the feature, signal and model code); tests/triage/model-artifact.test.ts
 * fails when that hash no longer matches, naming the command that rebuilds it. Building twice from the
 * same inputs writes the same bytes.
 *
 * Weights are single-precision floats, little-endian, base64 — the same numbers the trained model
 * uses (model.ts), so the artifact predicts exactly what training produced.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelplineError } from '../errors.ts';
import { type LinearClassifier, type LinearHeadsData, linearHeads } from './model.ts';
import { trainingFiles } from './training-data.ts';
import type { TriageModel, TriageModelOptions } from './triage-model.ts';

export const MODEL_ARTIFACT_PATH = fileURLToPath(new URL('./data/triage-model.json', import.meta.url));
const TRIAGE_DIR = fileURLToPath(new URL('./', import.meta.url));

/** Code the weights depend on: how text becomes features and how the models are fitted. */
const CODE_INPUTS = [
  'counts.ts',
  'features.ts',
  'model.ts',
  'places.ts',
  'scope-not-affected.ts',
  'scope-wide.ts',
  'signal-types.ts',
  'signals-scope.ts',
  'signals-security.ts',
  'signals.ts',
  'traditional.ts',
  'training-data.ts',
  'triage-model.ts',
  'types.ts',
];

const FORMAT = 1;

/** Every file the trained weights depend on, absolute paths, in a fixed order. */
export function modelInputs(): string[] {
  return [...trainingFiles(), ...CODE_INPUTS.map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url)))];
}

/** SHA-256 over the inputs' paths (relative to src/triage) and bytes, line endings normalized. */
export function modelInputsHash(files: readonly string[] = modelInputs()): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(TRIAGE_DIR, file).replaceAll('\\', '/'));
    hash.update('\0');
    hash.update(readFileSync(file, 'utf8').replaceAll('\r\n', '\n'));
    hash.update('\0');
  }
  return hash.digest('hex');
}

interface ArtifactJson {
  format: number;
  inputsHash: string;
  examples: number;
  options: TriageModelOptions;
  vocab: string[];
  value: string;
  heads: { labels: string[]; offset: number }[];
  classes: number;
  weights: string;
  bias: string;
}

const toBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The artifact's JSON text for a model trained by `trainTriageModel` (logistic regression only). */
export function serializeTriageModel(model: TriageModel, inputsHash: string): string {
  const data = (model.intent as Partial<LinearClassifier>).data;
  if (
    !data ||
    (model.severity as LinearClassifier).data !== data ||
    (model.category as LinearClassifier).data !== data
  )
    throw new Error(
      'Only a logistic-regression triage model (one fit, three heads) can be written as an artifact.',
    );
  const json: ArtifactJson = {
    format: FORMAT,
    inputsHash,
    examples: model.examples,
    options: model.options,
    vocab: data.vocab,
    value: toBase64(data.value),
    heads: data.heads.map((h) => ({ labels: [...h.labels], offset: h.offset })),
    classes: data.classes,
    weights: toBase64(data.weights),
    bias: toBase64(data.bias),
  };
  // One key per line keeps git diffs of the artifact readable where it matters (hash, options).
  return `${JSON.stringify(json, null, 1)}\n`;
}

export function parseTriageModel(
  text: string,
  source = MODEL_ARTIFACT_PATH,
): TriageModel & { inputsHash: string } {
  let json: ArtifactJson;
  try {
    json = JSON.parse(text) as ArtifactJson;
  } catch (err) {
    throw new HelplineError(
      'CONFIG_INVALID',
      `The triage model at ${source} is not valid JSON; run npm run triage:build.`,
      {
        cause: err,
      },
    );
  }
  if (json.format !== FORMAT || json.heads?.length !== 3)
    throw new HelplineError(
      'CONFIG_INVALID',
      `The triage model at ${source} has format ${json.format}, expected ${FORMAT}; run npm run triage:build.`,
    );
  const data: LinearHeadsData = {
    vocab: json.vocab,
    value: fromBase64(json.value),
    heads: json.heads,
    classes: json.classes,
    weights: fromBase64(json.weights),
    bias: fromBase64(json.bias),
  };
  const [intent, severity, category] = linearHeads(data);
  return {
    intent,
    severity,
    category,
    options: json.options,
    examples: json.examples,
    trainMs: 0,
    inputsHash: json.inputsHash,
  };
}

export function writeModelArtifact(model: TriageModel, path = MODEL_ARTIFACT_PATH): string {
  const inputsHash = modelInputsHash();
  writeFileSync(path, serializeTriageModel(model, inputsHash));
  return inputsHash;
}

export function readModelArtifact(path = MODEL_ARTIFACT_PATH): TriageModel & { inputsHash: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HelplineError(
      'CONFIG_FILE_UNREADABLE',
      `Cannot read the triage model at ${path}; build it with npm run triage:build (or restore it from git).`,
      { cause: err },
    );
  }
  return parseTriageModel(text, path);
}
