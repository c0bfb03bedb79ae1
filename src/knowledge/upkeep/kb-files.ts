/**
 * Writing a file into the KB folder from the console (publish a draft, upload, replace), safely:
 * - the path is relative, made of plain name segments (letters, digits, `-`, `_`, `.`; no `..`, no
 *   dot-files, no backslashes), of a type ingest reads, and resolves inside the KB folder — also
 *   through symbolic links, which are never followed out of it nor written through;
 * - the bytes are checked exactly as ingest checks a file (ingest.ts `checkKbFile`): a file ingest
 *   would skip (bad front matter, unsupported type, empty, too large, not UTF-8, no text) is refused
 *   with that reason and nothing in the folder changes;
 * - the new content goes to a dot-file beside the target (ingest ignores dot-files) and is renamed
 *   over it, so a replace keeps the old file whole until the new one has passed and is complete;
 * - every write is recorded in kb_changes (who, when, what, from which ticket).
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HelplineError } from '../../errors.ts';
import type { Database } from '../../store/database.ts';
import { checkKbFile, SUPPORTED_TYPES, unsupportedType } from '../ingest/ingest.ts';
import type { SplitOptions } from '../ingest/split-options.ts';

export interface KbFilesDeps {
  /** The KB folder. */
  dir: string;
  maxFileBytes: number;
  split?: SplitOptions;
  db: Database;
  now: () => Date;
}

export interface KbWrite {
  /** Relative to the KB folder, with `/`. */
  path: string;
  bytes: Uint8Array;
  actor: string;
  /** 'create' refuses an existing file, 'replace' a missing one. @defaultValue either */
  mode?: 'create' | 'replace';
  ticketNumber?: string;
}

export interface KbWritten {
  path: string;
  action: 'created' | 'replaced';
  bytes: number;
  sha256: string;
  passages: number;
}

const SEGMENT = /^[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u;
const MAX_PATH = 200;
const MAX_DEPTH = 4;

const refuse = (message: string): never => {
  throw new HelplineError('BAD_REQUEST', message);
};

/** The path as given, checked: relative, plain segments, a type ingest reads. */
export function safeKbPath(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '')
    return refuse('Give the file a path, e.g. "en/vpn.md".');
  const rel = input.trim().normalize('NFC');
  if (rel.length > MAX_PATH) return refuse(`The path is longer than ${MAX_PATH} characters.`);
  if (rel.includes('\\') || rel.startsWith('/') || /^[a-z]:/i.test(rel)) {
    return refuse('The path must be relative to the KB folder, with "/" between folders (e.g. "en/vpn.md").');
  }
  const segments = rel.split('/');
  if (segments.length > MAX_DEPTH) return refuse(`The path may have at most ${MAX_DEPTH - 1} folders.`);
  for (const s of segments) {
    if (s === '..' || s === '.') return refuse('The path may not contain "." or ".." segments.');
    if (!SEGMENT.test(s)) {
      return refuse(
        `"${s.slice(0, 60)}" is not a usable file or folder name: use letters, digits, "-", "_" and "." and do not start with a dot.`,
      );
    }
  }
  const unsupported = unsupportedType(rel);
  if (unsupported) {
    return refuse(
      `${rel} was not saved: ${unsupported} (the KB reads ${SUPPORTED_TYPES.join(', ')}). The knowledge base is unchanged.`,
    );
  }
  return rel;
}

const within = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

/** The target's absolute path, its parent folder made (inside the KB), no link on the way out. */
async function target(root: string, rel: string): Promise<{ file: string; exists: boolean }> {
  const file = path.resolve(root, ...rel.split('/'));
  if (!within(root, file) || file === root) return refuse('The path leads outside the KB folder.');
  // Existing folders on the way must really be inside the KB (a symbolic link may point anywhere).
  let dir = path.dirname(file);
  const missing: string[] = [];
  for (;;) {
    const info = await lstat(dir).catch(() => undefined);
    if (info) {
      if (!within(root, await realpath(dir))) return refuse('The path leads outside the KB folder.');
      if (!info.isDirectory() && !info.isSymbolicLink())
        return refuse(`${path.relative(root, dir)} is a file, not a folder.`);
      break;
    }
    missing.unshift(dir);
    dir = path.dirname(dir);
  }
  for (const d of missing) await mkdir(d);
  const info = await lstat(file).catch(() => undefined);
  if (info?.isSymbolicLink())
    return refuse(`${rel} is a symbolic link; replace the file it points to instead.`);
  if (info && !info.isFile()) return refuse(`${rel} is a folder, not a file.`);
  return { file, exists: info !== undefined };
}

export async function writeKbFile(deps: KbFilesDeps, write: KbWrite): Promise<KbWritten> {
  const rel = safeKbPath(write.path);
  const root = await realpath(path.resolve(deps.dir)).catch(() =>
    refuse(`The KB folder ${path.resolve(deps.dir)} does not exist.`),
  );
  const checked = await checkKbFile(write.bytes, rel, { maxFileBytes: deps.maxFileBytes, split: deps.split });
  if (checked.reason !== undefined) {
    throw new HelplineError(
      'BAD_REQUEST',
      `${rel} was not saved: ${checked.reason}. The knowledge base is unchanged.`,
      {
        details: { reason: checked.reason },
      },
    );
  }
  const { file, exists } = await target(root, rel);
  if (write.mode === 'create' && exists) {
    throw new HelplineError('CONFLICT', `${rel} already exists; choose another name or replace it.`);
  }
  if (write.mode === 'replace' && !exists) {
    throw new HelplineError('NOT_FOUND', `${rel} is not in the KB; upload it as a new file.`);
  }
  const tmp = path.join(path.dirname(file), `.helpline-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, write.bytes, { flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new HelplineError(
      'UNAVAILABLE',
      `${rel} could not be written (${(err as NodeJS.ErrnoException).code ?? String(err)}); make the KB folder writable. The knowledge base is unchanged.`,
      { cause: err },
    );
  }
  const sha256 = createHash('sha256').update(write.bytes).digest('hex');
  const action = exists ? 'replaced' : 'created';
  await deps.db.query(
    `INSERT INTO kb_changes (at, actor, action, path, bytes, sha256, ticket_number) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      deps.now().toISOString(),
      write.actor,
      action,
      rel,
      write.bytes.length,
      sha256,
      write.ticketNumber ?? null,
    ],
  );
  return { path: rel, action, bytes: write.bytes.length, sha256, passages: checked.passages.length };
}

/** One KB file's text, read only from inside the KB folder (links leading out are refused). */
export async function readKbFile(dir: string, input: unknown): Promise<{ path: string; content: string }> {
  const rel = safeKbPath(input);
  const root = await realpath(path.resolve(dir));
  const real = await realpath(path.resolve(root, ...rel.split('/'))).catch(() => undefined);
  if (!real) throw new HelplineError('NOT_FOUND', `${rel} is not in the KB.`);
  if (!within(root, real)) return refuse('The path leads outside the KB folder.');
  return { path: rel, content: await readFile(real, 'utf8') };
}

export interface KbChange {
  at: string;
  actor: string;
  action: 'created' | 'replaced';
  path: string;
  bytes: number;
  ticketNumber: string | null;
}

export async function recentKbChanges(db: Database, limit = 50): Promise<KbChange[]> {
  const rows = await db.query<{
    at: string;
    actor: string;
    action: 'created' | 'replaced';
    path: string;
    bytes: number;
    ticket_number: string | null;
  }>('SELECT at, actor, action, path, bytes, ticket_number FROM kb_changes ORDER BY id DESC LIMIT $1', [
    limit,
  ]);
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    path: r.path,
    bytes: Number(r.bytes),
    ticketNumber: r.ticket_number,
  }));
}
