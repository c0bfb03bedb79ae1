/**
 * The built knowledge base on disk (`kb-cache/<key>.index` under HELPLINE_DATA): passages, the
 * lexical index's postings, the decline thresholds and the files it was built from. A start whose
 * KB files and code are unchanged loads it — no parsing, no tokenizing, no jieba, no calibration —
 * instead of building (sample KB: ~1.5 s of building → a few ms of reading).
 *
 * Layout: "HLKB", a little-endian u32 header length, the header as JSON, then each typed array at
 * an 8-byte boundary, read back as views on the file's bytes (no copy). A snapshot written by other
 * code (see `codeVersion`) or other settings is ignored, and a torn or foreign file reads as none.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Calibration } from './calibrate.ts';
import type { LexicalParts } from './lexical.ts';
import type { IngestSummary, Passage } from './types.ts';

const MAGIC = 'HLKB';
/** Bump when the layout changes. */
const FORMAT = 1;

/** What a KB file looked like when the snapshot was built: a different size or time means re-check. */
export interface FileStamp {
  source: string;
  size: number;
  mtimeMs: number;
}

export interface Snapshot {
  /** Settings and code the index was built with (`snapshotSettings`). */
  settings: string;
  files: FileStamp[];
  summary: IngestSummary;
  calibration: Calibration;
  passages: Passage[];
  lexical: LexicalParts;
}

type ArrayName = 'offsets' | 'docs' | 'tfs' | 'len';
const ARRAYS: ArrayName[] = ['offsets', 'docs', 'tfs', 'len'];

interface Header extends Omit<Snapshot, 'lexical'> {
  format: number;
  lexical: Omit<LexicalParts, 'bm25'> & {
    bm25: Omit<LexicalParts['bm25'], ArrayName>;
  };
  arrays: Record<ArrayName, { offset: number; length: number }>;
}

export function writeSnapshot(file: string, snap: Snapshot): void {
  const { offsets, docs, tfs, len, ...bm25 } = snap.lexical.bm25;
  const arrays = { offsets, docs, tfs, len };
  const placed = {} as Header['arrays'];
  let at = 0;
  for (const name of ARRAYS) {
    placed[name] = { offset: at, length: arrays[name].length };
    at += align(arrays[name].byteLength);
  }
  const header: Header = {
    ...snap,
    format: FORMAT,
    lexical: { ...snap.lexical, bm25 },
    arrays: placed,
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = align(8 + json.length);
  const out = Buffer.alloc(start + at);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  for (const name of ARRAYS) {
    const a = arrays[name];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, start + placed[name].offset);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, out);
    renameSync(tmp, file);
  } catch {
    // A read-only data folder costs the next start a build, nothing else.
    rmSync(tmp, { force: true });
  }
}

/** The snapshot in `file` if it was made with these settings, else undefined. */
export function readSnapshot(file: string, settings: string): Snapshot | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.toString('latin1', 0, 4) !== MAGIC) return undefined;
    const jsonLength = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString('utf8', 8, 8 + jsonLength)) as Header;
    if (header.format !== FORMAT || header.settings !== settings) return undefined;
    // Views need 4-byte alignment; a Buffer from readFileSync starts at 0 of its own memory, but copy if not.
    const base = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
    const start = align(8 + jsonLength);
    const view = <T>(name: ArrayName, Type: new (b: ArrayBuffer, o: number, l: number) => T): T => {
      const { offset, length } = header.arrays[name];
      return new Type(base.buffer as ArrayBuffer, base.byteOffset + start + offset, length);
    };
    const { arrays: _, format: __, lexical, ...rest } = header;
    return {
      ...rest,
      lexical: {
        ...lexical,
        bm25: {
          ...lexical.bm25,
          offsets: view('offsets', Int32Array),
          docs: view('docs', Int32Array),
          tfs: view('tfs', Float32Array),
          len: view('len', Float32Array),
        },
      },
    };
  } catch {
    return undefined;
  }
}

function align(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * The retrieval code's own version: a hash of every source file of src/knowledge (tokenizer,
 * ranking, splitting, loaders, word lists) and of the segmenter's and stemmer's versions. Any edit
 * there makes old snapshots unusable, so a snapshot never answers with yesterday's code.
 */
export function codeVersion(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|txt|json)$/.test(entry.name)) hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(import.meta.dirname);
  for (const pkg of ['@node-rs/jieba', 'stemmer']) {
    try {
      const url = import.meta.resolve(`${pkg}/package.json`);
      hash.update(JSON.parse(readFileSync(new URL(url), 'utf8')).version);
    } catch {
      hash.update(`${pkg}?`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}
