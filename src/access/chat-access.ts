/**
 * Who the web chat speaks for (DESIGN §6, §7). Signed in (session or token): the authenticated
 * user; a different `userId` in the body is refused. In the open trial mode (bound to loopback, no
 * identity provider, nothing sent): the body's `userId`, for web users only — never a Lark or Slack
 * user's key — and only in web threads. Reads and posts are checked by the policy.
 */
import type { Context } from 'hono';
import { HelplineError } from '../errors.ts';
import { type Principal, threadDecision } from './policy.ts';

/** The Hono variables the app sets for every request (src/server/authenticate.ts). */
export interface AccessEnv {
  Variables: { principal?: Principal };
}

/** The request's principal, set by the app's authentication (any route's context). */
export function principalOf(c: Context): Principal | undefined {
  return (c as unknown as Context<AccessEnv>).get('principal');
}

export interface ChatAccess {
  /** The user a chat request acts as. UNAUTHENTICATED or FORBIDDEN when it may not. */
  actingUser(principal: Principal | undefined, bodyUserId: string | undefined): string;
  /** Whether the caller may read (or post in) the conversation owned by ownerKey. */
  mayUse(
    principal: Principal | undefined,
    action: 'read' | 'post',
    ownerKey: string,
    threadId: string,
  ): boolean;
  /** Takes one of the user's live-stream slots; undefined when they hold too many. */
  openStream(userKey: string): (() => void) | undefined;
}

/** A platform conversation or user (`slack:…`, `lark:…`): never reachable through the open mode. */
const isPlatformKey = (key: string) => /^(slack|lark):/.test(key);

export function createChatAccess(options: { open: boolean; streamsPerUser: number }): ChatAccess {
  const streams = new Map<string, number>();
  return {
    actingUser(principal, bodyUserId) {
      if (principal) {
        if (
          bodyUserId !== undefined &&
          bodyUserId !== principal.userId &&
          !principal.aliases.includes(bodyUserId)
        ) {
          throw new HelplineError(
            'FORBIDDEN',
            `You are signed in as "${principal.userId}" and cannot send as "${bodyUserId.slice(0, 100)}"; omit userId.`,
          );
        }
        return principal.userId;
      }
      if (!options.open) {
        throw new HelplineError(
          'UNAUTHENTICATED',
          'Sign in first (open /auth/login), or send an API token as "Authorization: Bearer …".',
        );
      }
      if (bodyUserId === undefined) {
        throw new HelplineError('BAD_REQUEST', '"userId" is required and must be a non-empty string.');
      }
      if (isPlatformKey(bodyUserId)) {
        throw new HelplineError(
          'FORBIDDEN',
          'The open trial chat speaks for web users only; Lark and Slack users chat on their platform.',
        );
      }
      return bodyUserId;
    },
    mayUse(principal, action, ownerKey, threadId) {
      if (principal) return threadDecision(principal, action, ownerKey).allowed;
      return options.open && !isPlatformKey(threadId) && !isPlatformKey(ownerKey);
    },
    openStream(userKey) {
      const held = streams.get(userKey) ?? 0;
      if (held >= options.streamsPerUser) return undefined;
      streams.set(userKey, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (streams.get(userKey) ?? 1) - 1;
        if (left <= 0) streams.delete(userKey);
        else streams.set(userKey, left);
      };
    },
  };
}
