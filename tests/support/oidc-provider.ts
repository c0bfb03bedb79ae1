/**
 * A real OpenID provider for tests: `oidc-provider` (a certified implementation) on a local port,
 * with its development login page (any login, any password) and consent page. Accounts get a
 * verified email `<login>@example.com` and the groups given for them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcProviderStandIn {
  issuer: string;
  /** Registers the client; call once the relying party's redirect URI is known. */
  register(redirectUri: string): void;
  close(): Promise<void>;
}

export const CLIENT = { id: 'helpline', secret: 'helpline-test-secret' };

/** Starts listening at once (so the issuer URL is known), and serves once a client is registered. */
export async function startOidcProvider(groups: Record<string, string[]> = {}): Promise<OidcProviderStandIn> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT.id,
            client_secret: CLIENT.secret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
        conformIdTokenClaims: false,
        findAccount: async (_ctx, sub) => ({
          accountId: sub,
          claims: async () => ({
            sub,
            email: `${sub}@example.com`,
            email_verified: true,
            name: sub,
            groups: groups[sub] ?? [],
          }),
        }),
        features: { devInteractions: { enabled: true } },
      });
      provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider:', err));
      provider.on('grant.error', (_ctx: unknown, err: Error & { error_detail?: string }) =>
        console.error('oidc-provider grant error:', err.message, err.error_detail),
      );
      server.on('request', provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signs in at the provider the way a browser does, without one: follows redirects with a cookie
 * jar, fills the login form (`login`, any password) and confirms consent. Starts at the provider URL
 * the relying party redirected to; resolves to the redirect back to the relying party.
 */
export async function signInAtProvider(
  authorizeUrl: string,
  login: string,
  redirectPrefix: string,
): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizeUrl;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: { cookie: cookie(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form,
      redirect: 'manual',
    });
    keep(res);
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      if (url.startsWith(redirectPrefix)) return url;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action)
      throw new Error(`oidc-provider answered ${res.status} without a form: ${html.slice(0, 300)}`);
    url = new URL(action.replaceAll('&amp;', '&'), url).toString();
    form = html.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' });
  }
  throw new Error('the sign-in did not come back to the relying party');
}
