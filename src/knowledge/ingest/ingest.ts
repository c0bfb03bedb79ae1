import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HelplineError, isHelplineError } from '../../errors.ts';
import type { IngestResult, Passage, SkippedFile, SourceDoc } from '../types.ts';
import { resolveSplitOptions, type SplitOptions } from './split-options.ts';

export interface IngestOptions {
  /** JSON file remembering each file's content hash and passages; unchanged files are not parsed again. */
  cacheFile?: string;
  /**
   * Larger files are skipped: a KB article that big is almost always an export or an attachment.
   * @defaultValue 5 MiB
   */
  maxFileBytes?: number;
  /** Called after each file, e.g. to draw a progress bar. */
  onProgress?: (done: number, total: number, file: string) => void;
  split?: SplitOptions;
}

type Loader = (bytes: Uint8Array, source: string) => Promise<SourceDoc>;

/**
 * Each loader (and the splitter) is imported when a file of its kind is first parsed: PDF, DOCX and
 * HTML libraries and LangChain cost a start nothing when the KB is unchanged.
 */
const LOADERS: Record<string, () => Promise<Loader>> = {
  '.md': async () => (await import('./load-markdown.ts')).loadMarkdown,
  '.markdown': async () => (await import('./load-markdown.ts')).loadMarkdown,
  '.txt': async () => (await import('./load-text.ts')).loadText,
  '.html': async () => (await import('./load-html.ts')).loadHtml,
  '.htm': async () => (await import('./load-html.ts')).loadHtml,
  '.pdf': async () => (await import('./load-pdf.ts')).loadPdf,
  '.docx': async () => (await import('./load-docx.ts')).loadDocx,
};

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Bump when the cache file layout changes, so an old-format cache is ignored rather than misread. */
const CACHE_VERSION = 1;

type CacheEntry = { hash: string; passages: Passage[] } | { hash: string; skipped: string };

interface CacheFile {
  version: number;
  /** Split options and ingest code the passages were made with; any difference means a full re-parse. */
  settings: string;
  files: Record<string, CacheEntry>;
}

/**
 * Reads every supported file under `dir` into passages. A file that cannot be used is skipped with a
 * reason and never stops the run; only a missing `dir` throws (KB_NOT_FOUND).
 * Invariant: `summary.files === parsed + unchanged + skipped.length`.
 */
export async function ingestKb(dir: string, opts: IngestOptions = {}): Promise<IngestResult> {
  const started = performance.now();
  const split = resolveSplitOptions(opts.split);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const root = await kbRoot(dir);
  const files = await listFiles(root);
  const settings = JSON.stringify({ split, code: await codeFingerprint() });
  const cached = opts.cacheFile ? await readCache(opts.cacheFile, settings) : {};
  const nextCache: Record<string, CacheEntry> = {};
  const passages: Passage[] = [];
  const skipped: SkippedFile[] = [];
  let parsed = 0;
  let unchanged = 0;

  for (const [i, source] of files.entries()) {
    const outcome = await ingestFile(root, source, { maxFileBytes, split, cached: cached[source] });
    if (outcome.entry) nextCache[source] = outcome.entry;
    if (outcome.passages) {
      passages.push(...outcome.passages);
      if (outcome.fromCache) unchanged++;
      else parsed++;
    } else {
      skipped.push({ file: source, reason: outcome.reason });
    }
    opts.onProgress?.(i + 1, files.length, source);
  }
  if (opts.cacheFile)
    await writeCache(opts.cacheFile, { version: CACHE_VERSION, settings, files: nextCache });

  return {
    passages,
    summary: {
      files: files.length,
      parsed,
      unchanged,
      passages: passages.length,
      skipped,
      ms: Math.round(performance.now() - started),
    },
  };
}

type Outcome =
  | { passages: Passage[]; fromCache: boolean; entry: CacheEntry; reason?: undefined }
  | { passages?: undefined; reason: string; entry?: CacheEntry };

interface FileContext {
  maxFileBytes: number;
  split: Required<SplitOptions>;
  cached?: CacheEntry;
}

/** Why a file name cannot be ingested (its type), or undefined when a loader takes it. */
export function unsupportedType(source: string): string | undefined {
  const ext = path.extname(source).toLowerCase();
  if (LOADERS[ext]) return undefined;
  return ext ? `unsupported file type ${ext}` : 'unsupported file type (no extension)';
}

/** The file types ingest reads, e.g. `.md`. */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(LOADERS);

/**
 * One file's bytes checked exactly as ingest checks them (type, size, empty, loader and splitter):
 * its passages, or the reason ingest would skip it. Uploads are refused for the same reasons.
 */
export async function checkKbFile(
  bytes: Uint8Array,
  source: string,
  opts: { maxFileBytes?: number; split?: SplitOptions } = {},
): Promise<{ passages: Passage[]; reason?: undefined } | { passages?: undefined; reason: string }> {
  const unsupported = unsupportedType(source);
  if (unsupported) return { reason: unsupported };
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length > maxFileBytes)
    return { reason: `too large (${mib(bytes.length)}, limit ${mib(maxFileBytes)})` };
  if (bytes.length === 0) return { reason: 'empty file' };
  const parsed = await parseFile(bytes, source, resolveSplitOptions(opts.split));
  return parsed.passages ? { passages: parsed.passages } : { reason: parsed.reason };
}

async function ingestFile(root: string, source: string, ctx: FileContext): Promise<Outcome> {
  const unsupported = unsupportedType(source);
  if (unsupported) return { reason: unsupported };
  const file = path.join(root, ...source.split('/'));
  let bytes: Uint8Array;
  try {
    // Check the size before reading, so a stray multi-gigabyte export is never loaded into memory.
    const { size } = await stat(file);
    if (size > ctx.maxFileBytes)
      return { reason: `too large (${mib(size)}, limit ${mib(ctx.maxFileBytes)})` };
    bytes = await readFile(file);
  } catch (err) {
    return { reason: `unreadable: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (bytes.length === 0) return { reason: 'empty file' };

  const hash = createHash('sha256').update(bytes).digest('hex');
  if (ctx.cached?.hash === hash) {
    const entry = ctx.cached;
    return 'passages' in entry
      ? { passages: entry.passages, fromCache: true, entry }
      : { reason: entry.skipped, entry };
  }
  const parsed = await parseFile(bytes, source, ctx.split);
  if (parsed.passages)
    return { passages: parsed.passages, fromCache: false, entry: { hash, passages: parsed.passages } };
  // A loader bug is not remembered: the next run tries the file again.
  return parsed.cacheable
    ? { reason: parsed.reason, entry: { hash, skipped: parsed.reason } }
    : { reason: parsed.reason };
}

/** Loader and splitter on one file's bytes; `cacheable` reasons depend on the bytes alone. */
async function parseFile(
  bytes: Uint8Array,
  source: string,
  split: Required<SplitOptions>,
): Promise<
  { passages: Passage[]; reason?: undefined } | { passages?: undefined; reason: string; cacheable: boolean }
> {
  const loader = LOADERS[path.extname(source).toLowerCase()];
  try {
    const [load, { splitDoc }] = await Promise.all([loader(), import('./split.ts')]);
    const passages = await splitDoc(await load(bytes, source), split);
    if (passages.length === 0) {
      return { reason: 'no text left after removing markup and template tags', cacheable: true };
    }
    return { passages };
  } catch (err) {
    if (isHelplineError(err, 'FILE_SKIPPED')) return { reason: err.message, cacheable: true };
    // A loader bug on one odd file must not stop the whole KB; the reason names it for a bug report.
    return {
      reason: `could not be read: ${err instanceof Error ? err.message : String(err)}`,
      cacheable: false,
    };
  }
}

/**
 * Every file of the KB with its size and modification time, in ingest order: what a snapshot
 * compares to decide whether the KB changed, without reading a byte of content.
 */
export async function stampKb(dir: string): Promise<{ source: string; size: number; mtimeMs: number }[]> {
  const root = await kbRoot(dir);
  return Promise.all(
    (await listFiles(root)).map(async (source) => {
      const { size, mtimeMs } = await stat(path.join(root, ...source.split('/')));
      return { source, size, mtimeMs };
    }),
  );
}

async function kbRoot(dir: string): Promise<string> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new HelplineError(
      'KB_NOT_FOUND',
      `Knowledge base folder ${root} ${info ? 'is not a folder' : 'does not exist'}. ` +
        'Create it and put Markdown, text, HTML, PDF or DOCX files in it, or point HELPLINE_KB / --kb at the right folder.',
    );
  }
  return root;
}

/**
 * Relative paths with `/`, sorted by code unit so the order (and so passage order) is the same on
 * every machine and locale. Dot-files, dot-folders and node_modules are not KB content.
 */
async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const seenDirs = new Set<string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop
    seenDirs.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      const rel = prefix + entry.name;
      const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
      if (info?.isDirectory()) await walk(full, `${rel}/`);
      else if (info?.isFile()) found.push(rel);
    }
  };
  await walk(root, '');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Passages depend on the loaders, cleaning and splitting in this folder, so an edit to any of them
 * invalidates the cache by itself; CACHE_VERSION is then only for changes to the cache layout.
 */
async function codeFingerprint(): Promise<string> {
  const dir = import.meta.dirname;
  try {
    const hash = createHash('sha256');
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) {
      hash.update(name).update(await readFile(path.join(dir, name)));
    }
    return hash.digest('hex').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

/** A missing, unreadable, older-format or other-settings cache is simply not used. */
async function readCache(file: string, settings: string): Promise<Record<string, CacheEntry>> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
    if (data.version !== CACHE_VERSION || data.settings !== settings || typeof data.files !== 'object')
      return {};
    return data.files ?? {};
  } catch {
    return {};
  }
}

/** Temp file + rename: a crash mid-write leaves the old cache, never a truncated one. */
async function writeCache(file: string, data: CacheFile): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new HelplineError(
      'CONFIG_INVALID',
      `Could not write the KB cache ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. ` +
        'Make the data folder writable (HELPLINE_DATA) or run without a cache.',
      { cause: err },
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
