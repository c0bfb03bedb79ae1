/**
 * The `Host` allow-list (DESIGN §6 HELPLINE_PUBLIC_URL): the names this server answers to, so a web
 * page whose own domain an attacker re-points at this address (DNS rebinding) cannot read the API.
 * Loopback names are always allowed, with any port: the attacker's page carries its own domain, never
 * "localhost". Pure, so the app and its tests share it.
 */

export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Whether an interface address (HELPLINE_HOST) is reachable only from this machine. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * The hostname of a Host header (or URL authority), lowercase, without port or trailing dot;
 * IPv6 keeps its brackets. `undefined` when it cannot be read.
 */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '') || undefined;
}

/**
 * Loopback names, the interface address when it is a specific one (HELPLINE_HOST=10.0.0.5), and the
 * host of HELPLINE_PUBLIC_URL.
 */
export function allowedHosts(server: { host: string; publicUrl?: string }): string[] {
  const names = new Set(LOOPBACK_NAMES);
  const bind = server.host.trim();
  if (bind && bind !== '0.0.0.0' && bind !== '::' && !isLoopbackAddress(bind)) {
    const name = hostnameOf(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
    if (name) names.add(name);
  }
  if (server.publicUrl) {
    const name = hostnameOf(new URL(server.publicUrl).host);
    if (name) names.add(name);
  }
  return [...names];
}
