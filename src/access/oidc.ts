/**
 * Sign-in with the company's identity provider over OpenID Connect (openid-client): authorization
 * code with PKCE, `state` and `nonce`, the login in flight kept in the database (any process may
 * receive the callback). Works with any certified provider — Feishu/Lark, Slack ("Sign in with
 * Slack"), Entra ID, Okta, Keycloak, Google Workspace. The person becomes a user key (their verified
 * email with `access.linkBy: email`, else `oidc:<subject>`) with a role from the configured group
 * claim, else from `roles` in config, else employee.
 */
import * as client from 'openid-client';
import type { Config } from '../config/schema.ts';
import { HelplineError } from '../errors.ts';
import type { Queryable } from '../store/database.ts';
import { configuredRole } from './people.ts';
import { ACCESS_ROLES, type AccessRole } from './policy.ts';

export const CALLBACK_PATH = '/auth/callback';
/** A login not finished within this time is forgotten. */
const LOGIN_TTL_MS = 10 * 60_000;

export interface SignedIn {
  userKey: string;
  role: AccessRole;
  email?: string;
  subject: string;
  name?: string;
}

export interface OidcLogin {
  /** Where to send the browser to sign in; `returnTo` is a local path to come back to. */
  start(returnTo: string): Promise<URL>;
  /** Finishes the login from the callback URL; throws UNAUTHENTICATED with the reason. */
  finish(callbackUrl: URL): Promise<SignedIn & { returnTo: string }>;
}

export interface OidcOptions {
  config: Config;
  db: Queryable;
  /** The server's base URL as people reach it (HELPLINE_PUBLIC_URL, or the local URL). */
  baseUrl: () => string;
  now?: () => Date;
}

/** Plain-http issuers are accepted only on this machine (a local provider in tests and demos). */
function insecureAllowed(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
}

export function createOidcLogin(options: OidcOptions): OidcLogin {
  const { config, db } = options;
  const now = options.now ?? (() => new Date());
  const issuer = new URL(config.oidc.issuer ?? '');
  const redirectUri = () => new URL(CALLBACK_PATH, options.baseUrl()).toString();
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        issuer,
        config.oidc.clientId ?? '',
        { client_secret: config.oidc.clientSecret, redirect_uris: [redirectUri()] },
        undefined,
        insecureAllowed(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err) => {
        discovered = undefined;
        throw new HelplineError(
          'UNAVAILABLE',
          `The identity provider at ${issuer.origin} could not be reached (${(err as Error).message}); check OIDC_ISSUER and try again.`,
          { cause: err },
        );
      });
    return discovered;
  };

  return {
    async start(returnTo) {
      const c = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      const at = now();
      await db.query('DELETE FROM oidc_logins WHERE created_at < $1', [
        new Date(at.getTime() - LOGIN_TTL_MS).toISOString(),
      ]);
      await db.query(
        'INSERT INTO oidc_logins (state, nonce, code_verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5)',
        [state, nonce, verifier, safeReturn(returnTo), at.toISOString()],
      );
      return client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri(),
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },

    async finish(callbackUrl) {
      const c = await configuration();
      const state = callbackUrl.searchParams.get('state') ?? '';
      const [login] = await db.query<{
        nonce: string;
        code_verifier: string;
        return_to: string;
        created_at: string;
      }>('DELETE FROM oidc_logins WHERE state = $1 RETURNING nonce, code_verifier, return_to, created_at', [
        state,
      ]);
      if (!login || now().getTime() - new Date(login.created_at).getTime() > LOGIN_TTL_MS) {
        throw new HelplineError(
          'UNAUTHENTICATED',
          'This sign-in expired or was already used; sign in again.',
        );
      }
      let claims: client.IDToken | undefined;
      try {
        // The request's own URL may carry an internal host (behind a proxy); the provider compares
        // redirect_uri with the registered one, so the parameters go on that.
        const current = new URL(redirectUri());
        current.search = callbackUrl.search;
        const tokens = await client.authorizationCodeGrant(c, current, {
          pkceCodeVerifier: login.code_verifier,
          expectedState: state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (err) {
        // The provider's own words (OAuth `error` / `error_description`) tell an admin what to fix.
        const e = err as Error & { error?: string; error_description?: string };
        const detail = e.error
          ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`
          : e.message;
        throw new HelplineError(
          'UNAUTHENTICATED',
          `The identity provider did not confirm the sign-in (${detail}); sign in again.`,
          { cause: err },
        );
      }
      if (!claims) throw new HelplineError('UNAUTHENTICATED', 'The identity provider sent no ID token.');
      return { ...identify(claims, config), returnTo: login.return_to };
    },
  };
}

/** The user key and role for an ID token's claims. */
export function identify(claims: Record<string, unknown>, config: Config): SignedIn {
  const subject = String(claims.sub);
  const email =
    typeof claims.email === 'string' && claims.email_verified !== false
      ? claims.email.toLowerCase()
      : undefined;
  const userKey = config.access.linkBy === 'email' && email ? email : `oidc:${subject}`;
  const claimed = claims[config.oidc.roleClaim];
  const groups = Array.isArray(claimed) ? claimed.map(String) : typeof claimed === 'string' ? [claimed] : [];
  let role: AccessRole | undefined;
  for (const g of groups) {
    const mapped = config.oidc.roles[g];
    if (mapped && (!role || ACCESS_ROLES.indexOf(mapped) > ACCESS_ROLES.indexOf(role))) role = mapped;
  }
  role ??= configuredRole(config.roles, [userKey, `oidc:${subject}`, ...(email ? [email] : [])])?.role;
  const name = typeof claims.name === 'string' ? claims.name : undefined;
  return { userKey, role: role ?? 'employee', email, subject, name };
}

/** Only a local path may be returned to after sign-in (no open redirect). */
export function safeReturn(path: string | undefined): string {
  return path && /^\/(?![/\\])[\w\-./?=&%#]*$/.test(path) ? path : '/';
}
