/**
 * What `helpline token …` and `helpline login-link` do, in one place: run directly on the database,
 * or by the running server over its admin socket (admin-socket.ts) when it owns the database.
 * `backup` is the server's only: it writes the file server-side, from the database it owns.
 */
import { isAbsolute } from 'node:path';
import { HelplineError } from '../errors.ts';
import { hasInvalidText } from '../inbound/storable-text.ts';
import type { BackupSummary } from '../store/backup.ts';
import { LOGIN_LINK_PATH } from './login-links.ts';
import { ACCESS_ROLES, type AccessRole } from './policy.ts';
import { parseDuration } from './secrets.ts';
import type { AccessStores } from './stores.ts';
import type { ApiToken } from './tokens.ts';

export interface AdminRequests {
  'token.create': { userId: string; role: string; name?: string; expires?: string };
  'token.list': Record<string, never>;
  'token.revoke': { id: string };
  'login-link': { userId: string; role: string };
  backup: { out: string };
}

export interface AdminResults {
  'token.create': { token: string; info: ApiToken };
  'token.list': { tokens: ApiToken[] };
  'token.revoke': { info: ApiToken };
  'login-link': { url: string; expiresAt: string };
  backup: BackupSummary;
}

export type AdminOp = keyof AdminRequests;
export const ADMIN_OPS: readonly AdminOp[] = [
  'token.create',
  'token.list',
  'token.revoke',
  'login-link',
  'backup',
];

export type AdminOps = { [K in AdminOp]: (args: AdminRequests[K]) => Promise<AdminResults[K]> };

function role(text: string): AccessRole {
  if (!(ACCESS_ROLES as readonly string[]).includes(text)) {
    throw new HelplineError('USAGE', `--role must be one of ${ACCESS_ROLES.join(', ')}; got "${text}".`);
  }
  return text as AccessRole;
}

function user(text: string | undefined): string {
  const id = (text ?? '').trim();
  if (!id || id.length > 128 || hasInvalidText(id)) {
    throw new HelplineError(
      'USAGE',
      '--user must be a user id (1–128 characters), e.g. emp-a, slack:U123 or li@example.com.',
    );
  }
  return id;
}

export function adminOps(
  stores: AccessStores,
  baseUrl: () => string,
  server: { backup?: (out: string) => Promise<BackupSummary> } = {},
): AdminOps {
  return {
    async backup(args) {
      const out = String(args.out ?? '');
      if (!server.backup) throw new HelplineError('USAGE', 'Backups are written by the running server only.');
      if (!isAbsolute(out)) throw new HelplineError('USAGE', `--out must be an absolute path; got "${out}".`);
      return server.backup(out);
    },
    async 'token.create'(args) {
      const expiresInMs = args.expires === undefined ? undefined : parseDuration(args.expires);
      if (args.expires !== undefined && expiresInMs === undefined) {
        throw new HelplineError('USAGE', `--expires must be like 30d, 12h or 90m; got "${args.expires}".`);
      }
      return stores.tokens.create({
        userId: user(args.userId),
        role: role(args.role),
        name: args.name,
        expiresInMs,
      });
    },
    async 'token.list'() {
      return { tokens: await stores.tokens.list() };
    },
    async 'token.revoke'(args) {
      return { info: await stores.tokens.revoke(String(args.id ?? '')) };
    },
    async 'login-link'(args) {
      const { code, expiresAt } = await stores.links.create({
        userId: user(args.userId),
        role: role(args.role),
      });
      const url = new URL(LOGIN_LINK_PATH, baseUrl());
      url.searchParams.set('code', code);
      return { url: url.toString(), expiresAt };
    },
  };
}
