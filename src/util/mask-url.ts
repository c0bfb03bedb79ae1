/**
 * Connection URLs with their secrets masked: the one function for everything a person or a log may
 * read (`helpline config`, banners, error messages, log lines). Every form a driver accepts is
 * covered: a userinfo password with or without a user name (`redis://:pw@host`,
 * `postgres://u:pw@db`) and secrets in the query (`?password=…`, `pass`, `pwd`, `secret`, `token`,
 * `api_key`…). A user name is not a secret and stays readable.
 *
 * Text rather than `new URL()`: the rest of the URL is shown exactly as it was written, and a URL
 * WHATWG cannot parse is masked all the same.
 */

const MASK = '****';
/** Query parameters that carry a secret (matched on the whole name, any case). */
const SECRET_PARAM =
  /^(?:.*pass(?:word|wd)?|pwd|.*secret|.*token|api[-_]?key|apikey|key|auth|authorization|sig|signature|credentials?)$/i;
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/is;
/** A URL inside free text (an error message, a log line): up to whitespace or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

export function maskUrl(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (!parts) return url;
  const [, scheme, authority, path, query = '', fragment = ''] = parts;
  return `${scheme}${maskAuthority(authority)}${path}${maskQuery(query)}${fragment}`;
}

/** Every URL in `text` masked (driver messages can carry the connection URL). */
export function maskUrlsIn(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, maskUrl) : text;
}

function maskAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  if (at < 0) return authority;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  // No colon: the userinfo is a user name (postgres://u@db), not a secret.
  if (colon < 0) return authority;
  return `${userinfo.slice(0, colon)}:${MASK}${authority.slice(at)}`;
}

function maskQuery(query: string): string {
  if (query.length <= 1) return query;
  const params = query
    .slice(1)
    .split('&')
    .map((param) => {
      const eq = param.indexOf('=');
      if (eq < 0) return param;
      let name = param.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the name as written.
      }
      return SECRET_PARAM.test(name) ? `${param.slice(0, eq)}=${MASK}` : param;
    });
  return `?${params.join('&')}`;
}
