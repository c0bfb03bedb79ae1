/**
 * `helpline token create|list|revoke` and `helpline login-link`: through the running server's admin
 * socket when it runs on this data (it owns the embedded database), else on the database directly
 * (server-or-database.ts).
 */
import type { AdminOp, AdminRequests, AdminResults } from '../../access/admin-ops.ts';
import type { Config } from '../../config/schema.ts';
import { HelplineError } from '../../errors.ts';
import { cliConfig } from '../context.ts';
import type { Io } from '../io.ts';
import { serverOrDatabase } from '../server-or-database.ts';
import { type Command, HELP } from './command.ts';

async function run<K extends AdminOp>(
  config: Config,
  op: K,
  args: AdminRequests[K],
): Promise<AdminResults[K]> {
  const { adminSocketPath, callAdminSocket } = await import('../../server/admin-socket.ts');
  const viaServer = () => callAdminSocket(adminSocketPath(config.data.dir), op, args);
  return serverOrDatabase(config, `helpline ${op.replace('.', ' ')}`, viaServer, async () => {
    const [{ openDatabase }, { accessStores }, { adminOps }] = await Promise.all([
      import('../../store/open-database.ts'),
      import('../../access/stores.ts'),
      import('../../access/admin-ops.ts'),
    ]);
    const db = await openDatabase({ url: config.database.url, dataDir: config.data.dir });
    try {
      const base = config.server.publicUrl ?? `http://127.0.0.1:${config.server.port}`;
      return await adminOps(accessStores(db, config), () => base)[op](args);
    } finally {
      await db.close();
    }
  });
}

const required = (values: Record<string, unknown>, name: string, usage: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new HelplineError('USAGE', `--${name} is required.\n\n${usage}`);
  return v;
};

const TOKEN_USAGE = `helpline token create --user ID --role ROLE [--name NAME] [--expires 30d]
helpline token list [--json]
helpline token revoke ID

Roles: employee, hr_admin, l2, l3, admin. The token is printed once; send it as
"Authorization: Bearer <token>".`;

export const token: Command = {
  usage: TOKEN_USAGE,
  options: {
    ...HELP,
    user: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    expires: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io: Io) {
    const [action, id] = positionals;
    const config = cliConfig({});
    if (action === 'create') {
      const { token: secret, info } = await run(config, 'token.create', {
        userId: required(values, 'user', TOKEN_USAGE),
        role: required(values, 'role', TOKEN_USAGE),
        name: values.name as string | undefined,
        expires: values.expires as string | undefined,
      });
      if (values.json) io.out(JSON.stringify({ token: secret, ...info }));
      else {
        io.out(secret);
        io.err(
          `Token ${info.id} for ${info.userId} (${info.role})${info.expiresAt ? `, expires ${info.expiresAt}` : ', no expiry'}. It is shown only now; keep it secret.`,
        );
      }
      return 0;
    }
    if (action === 'list') {
      const { tokens } = await run(config, 'token.list', {});
      if (values.json) io.out(JSON.stringify(tokens));
      else if (tokens.length === 0)
        io.out('No tokens yet. Create one with `helpline token create --user ID --role ROLE`.');
      else
        for (const t of tokens) {
          const state = t.revokedAt
            ? 'revoked'
            : t.expiresAt && t.expiresAt < new Date().toISOString()
              ? 'expired'
              : 'active';
          io.out(
            `${t.id}  ${state.padEnd(7)}  ${t.role.padEnd(8)}  ${t.userId}${t.name ? `  "${t.name}"` : ''}  last used ${t.lastUsedAt ?? 'never'}`,
          );
        }
      return 0;
    }
    if (action === 'revoke') {
      if (!id) throw new HelplineError('USAGE', `Name the token to revoke.\n\n${TOKEN_USAGE}`);
      const { info } = await run(config, 'token.revoke', { id });
      io.err(`Token ${info.id} (${info.userId}) is revoked.`);
      return 0;
    }
    throw new HelplineError('USAGE', TOKEN_USAGE);
  },
};

const LINK_USAGE = `helpline login-link --user ID --role ROLE

Prints a sign-in URL that works once, within 15 minutes. Roles: employee, hr_admin, l2, l3, admin.`;

export const loginLink: Command = {
  usage: LINK_USAGE,
  options: { ...HELP, user: { type: 'string' }, role: { type: 'string' } },
  async run(values, _positionals, io: Io) {
    const config = cliConfig({});
    const { url, expiresAt } = await run(config, 'login-link', {
      userId: required(values, 'user', LINK_USAGE),
      role: required(values, 'role', LINK_USAGE),
    });
    io.out(url);
    io.err(`Single use, valid until ${expiresAt}.`);
    return 0;
  },
};
