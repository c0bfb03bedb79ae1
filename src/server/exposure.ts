/**
 * Safe defaults, stated (issue 13 item 7): with nothing configured the server is open for trying
 * it, which is acceptable only where nobody else can reach it. Bound to any other interface, it
 * refuses to start until an identity provider and the public URL are set.
 */
import { type Config, oidcEnabled } from '../config/schema.ts';
import { HelplineError } from '../errors.ts';
import { isLoopbackAddress } from './allowed-hosts.ts';

/** Why `helpline serve` must not start with this configuration, or undefined when it may. */
export function unprotectedExposure(config: Config): string | undefined {
  const host = config.server.host;
  if (isLoopbackAddress(host)) return undefined;
  const missing = [
    ...(oidcEnabled(config) ? [] : ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']),
    ...(config.server.publicUrl ? [] : ['HELPLINE_PUBLIC_URL']),
  ];
  if (missing.length === 0) return undefined;
  return (
    `HELPLINE_HOST is ${host}, so other machines can reach Helpline, but ${oidcEnabled(config) ? 'the URL people use is not set' : 'no identity provider is configured'}: ` +
    `set ${missing.join(', ')} (the identity provider: Feishu/Lark, Slack, Entra ID, Okta, Keycloak, Google), or bind to 127.0.0.1 (the default) to try it on this machine only.`
  );
}

/** Throws CONFIG_INVALID (the CLI exits non-zero) when the server would be open to the network. */
export function assertProtected(config: Config): void {
  const problem = unprotectedExposure(config);
  if (problem) throw new HelplineError('CONFIG_INVALID', problem);
}

/**
 * The open trial mode: bound to loopback with no identity provider. Only the web chat API takes
 * anonymous callers then (its `userId` from the body, DESIGN §6); everything else needs a token or
 * a session in every mode.
 */
export function openTrialMode(config: Config): boolean {
  return isLoopbackAddress(config.server.host) && !oidcEnabled(config);
}
