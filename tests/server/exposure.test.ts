/**
 * Issue 13 item 7: bound beyond loopback with no identity provider, `helpline serve` refuses to
 * start and names the settings to add.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { maskedConfig } from '../../src/config/print.ts';
import { assertProtected, unprotectedExposure } from '../../src/server/exposure.ts';

const OIDC = {
  OIDC_ISSUER: 'https://idp.example.com',
  OIDC_CLIENT_ID: 'helpline',
  OIDC_CLIENT_SECRET: 's3cret',
};
const config = (env: Record<string, string>) => loadConfig({ env });

describe('refusing to start unprotected', () => {
  it('starts open on loopback with nothing configured', () => {
    expect(unprotectedExposure(config({}))).toBeUndefined();
    expect(unprotectedExposure(config({ HELPLINE_HOST: 'localhost' }))).toBeUndefined();
    expect(unprotectedExposure(config({ HELPLINE_HOST: '::1' }))).toBeUndefined();
  });

  it('refuses any other interface without an identity provider, naming the settings', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      const problem = unprotectedExposure(config({ HELPLINE_HOST: host }));
      expect(problem).toContain(`HELPLINE_HOST is ${host}`);
      expect(problem).toMatch(/OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, HELPLINE_PUBLIC_URL/);
      expect(problem).toContain('bind to 127.0.0.1');
      expect(() => assertProtected(config({ HELPLINE_HOST: host }))).toThrow(/OIDC_ISSUER/);
    }
  });

  it('asks for the public URL when only it is missing, and starts with both', () => {
    expect(unprotectedExposure(config({ HELPLINE_HOST: '0.0.0.0', ...OIDC }))).toMatch(
      /the URL people use is not set: set HELPLINE_PUBLIC_URL/,
    );
    expect(
      unprotectedExposure(
        config({ HELPLINE_HOST: '0.0.0.0', HELPLINE_PUBLIC_URL: 'https://helpline.example.com', ...OIDC }),
      ),
    ).toBeUndefined();
  });

  it('OIDC settings are all three or none', () => {
    expect(config(OIDC).oidc).toEqual({
      roleClaim: 'groups',
      roles: {},
      issuer: 'https://idp.example.com',
      clientId: 'helpline',
      clientSecret: 's3cret',
    });
    expect(JSON.stringify(maskedConfig(config(OIDC)))).not.toContain('s3cret');
    expect(() => config({ OIDC_ISSUER: 'https://idp.example.com' })).toThrow(
      /set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too/,
    );
    expect(() =>
      config({ OIDC_ISSUER: 'idp.example.com', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }),
    ).toThrow(/OIDC_ISSUER must be a URL/);
  });

  it('`HELPLINE_HOST=0.0.0.0 helpline serve` exits non-zero naming OIDC_ISSUER, before opening anything', async () => {
    const data = mkdtempSync(join(tmpdir(), 'helpline-exposure-'));
    const bin = fileURLToPath(new URL('../../bin/helpline.js', import.meta.url));
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'serve', '--port', '0'],
        { env: { PATH: process.env.PATH, HELPLINE_HOST: '0.0.0.0', HELPLINE_DATA: data }, timeout: 60_000 },
        (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('OIDC_ISSUER');
    expect(result.stderr).toContain('HELPLINE_HOST is 0.0.0.0');
    expect(result.stderr).not.toMatch(/Web chat\s+http/);
  });
});
