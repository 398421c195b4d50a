import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({}, '/srv/escalon');
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/escalon/data/escalon.db' });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.demo).toBe(true);
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect(c.roles).toEqual({ web: true, worker: true });
    expect(c.smtpOut).toBeNull();
  });

  it('reads a postgres URL and flags', () => {
    const c = loadConfig({ ESCALON_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', ESCALON_DEMO: '0' }, '/x');
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(c.demo).toBe(false);
  });

  it('keeps data forever unless a retention period is set (privacy)', () => {
    expect(loadConfig({}, '/x')).toMatchObject({ retentionClosedDays: 0, retentionRawMailDays: 0 });
    expect(loadConfig({ ESCALON_RETENTION_CLOSED_DAYS: '365', ESCALON_RETENTION_RAW_MAIL_DAYS: '30' }, '/x')).toMatchObject({ retentionClosedDays: 365, retentionRawMailDays: 30 });
    expect(() => loadConfig({ ESCALON_RETENTION_CLOSED_DAYS: '-1' }, '/x')).toThrow(/ESCALON_RETENTION_CLOSED_DAYS/);
  });

  it('lists every bad value at once', () => {
    try {
      loadConfig({
        ESCALON_PORT: 'eighty',
        ESCALON_DATABASE_URL: 'mysql://x',
        ESCALON_DEMO: 'maybe',
        ESCALON_LOG_LEVEL: 'loud',
        ESCALON_PUBLIC_URL: 'ftp://x',
        ESCALON_SECRET_KEY: 'short',
      });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of ['ESCALON_PORT', 'ESCALON_DATABASE_URL', 'ESCALON_DEMO', 'ESCALON_LOG_LEVEL', 'ESCALON_PUBLIC_URL', 'ESCALON_SECRET_KEY']) {
        expect(problems).toContain(name);
      }
    }
  });

  it('parses an SMTP URL', () => {
    const c = loadConfig({ ESCALON_SMTP_URL: 'smtp://u%40x:p@mail.example:2525', ESCALON_MAIL_FROM: 'help@example.com' });
    expect(c.smtpOut).toEqual({ host: 'mail.example', port: 2525, secure: false, user: 'u@x', password: 'p', from: 'help@example.com' });
  });

  // --- public surfaces (issue 14) ---
  it('reads the public link, unverified mail and DNS timeout settings', () => {
    expect(loadConfig({})).toMatchObject({ publicLinkDays: 90, emailUnverified: 'hold', emailAuthDnsTimeoutMs: 1500 });
    expect(loadConfig({ ESCALON_PUBLIC_LINK_DAYS: '30', ESCALON_EMAIL_UNVERIFIED: 'Accept', ESCALON_EMAIL_AUTH_DNS_TIMEOUT_MS: '500' })).toMatchObject({ publicLinkDays: 30, emailUnverified: 'accept', emailAuthDnsTimeoutMs: 500 });
    expect(() => loadConfig({ ESCALON_EMAIL_UNVERIFIED: 'maybe', ESCALON_PUBLIC_LINK_DAYS: '0' })).toThrow(/ESCALON_EMAIL_UNVERIFIED="maybe" must be hold or accept[\s\S]*ESCALON_PUBLIC_LINK_DAYS|ESCALON_PUBLIC_LINK_DAYS[\s\S]*ESCALON_EMAIL_UNVERIFIED/);
  });

  // outaudit: outbound allow list
  it('reads ESCALON_OUTBOUND_ALLOW and refuses entries it cannot read and a Slack API URL inside the network', () => {
    const c = loadConfig({ ESCALON_OUTBOUND_ALLOW: '10.0.0.0/8, hooks.internal.example' }, '/x');
    expect(c.outboundAllow.entries).toEqual(['10.0.0.0/8', 'hooks.internal.example']);
    expect(() => loadConfig({ ESCALON_OUTBOUND_ALLOW: '10.0.0.0/40' }, '/x')).toThrow(/ESCALON_OUTBOUND_ALLOW: 10\.0\.0\.0\/40: bad prefix length/);
    expect(() => loadConfig({ ESCALON_SLACK_API_URL: 'http://169.254.169.254/api' }, '/x')).toThrow(/ESCALON_SLACK_API_URL.*cloud metadata/);
    expect(loadConfig({ ESCALON_SLACK_API_URL: 'http://127.0.0.1:9/api', ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8' }, '/x').slack.apiUrl).toBe('http://127.0.0.1:9/api');
  });
});

describe('production-like starts (issue 14)', () => {
  const KEY = 'k'.repeat(40);
  it('seeds the demo by default only on a loopback, non-production start', () => {
    expect(loadConfig({}, '/x').deployment).toEqual({ production: false, productionLikeReasons: [], demoExplicit: false });
    for (const env of [
      { NODE_ENV: 'production', ESCALON_SECRET_KEY: KEY },
      { ESCALON_HOST: '0.0.0.0' },
      { ESCALON_HOST: '10.0.0.5' },
      { ESCALON_PUBLIC_URL: 'https://help.example.com' },
    ]) {
      const c = loadConfig(env, '/x');
      expect(c.demo, JSON.stringify(env)).toBe(false);
      expect(c.deployment.productionLikeReasons.length, JSON.stringify(env)).toBeGreaterThan(0);
    }
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(loadConfig({ ESCALON_HOST: host }, '/x').demo, host).toBe(true);
    expect(loadConfig({ ESCALON_PUBLIC_URL: 'http://[::1]:3000' }, '/x').demo).toBe(true);
  });

  it('seeds it in a production-like start only when ESCALON_DEMO=1 is set explicitly', () => {
    const c = loadConfig({ NODE_ENV: 'production', ESCALON_SECRET_KEY: KEY, ESCALON_PUBLIC_URL: 'https://help.example.com', ESCALON_DEMO: '1' }, '/x');
    expect(c.demo).toBe(true);
    expect(c.deployment.demoExplicit).toBe(true);
    expect(c.deployment.productionLikeReasons).toEqual(['NODE_ENV=production', 'ESCALON_PUBLIC_URL=https://help.example.com is not a loopback address']);
    expect(loadConfig({ ESCALON_DEMO: '0' }, '/x').demo).toBe(false);
  });

  it('refuses the development secret key in production mode', () => {
    for (const env of [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', ESCALON_SECRET_KEY: 'escalon-development-secret-key-change-me-000000' }]) {
      expect(() => loadConfig(env, '/x')).toThrow(/ESCALON_SECRET_KEY is not set \(or is the development key from the source\): with NODE_ENV=production/);
    }
    expect(loadConfig({ NODE_ENV: 'production', ESCALON_SECRET_KEY: KEY }, '/x').secretKeyIsDefault).toBe(false);
    expect(loadConfig({}, '/x').secretKeyIsDefault).toBe(true);
  });
});

describe('ESCALON_TRUST_PROXY', () => {
  it('is off by default and takes a hop count or addresses/CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ ESCALON_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ESCALON_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
  });
  it('refuses anything else, "true" included (it would let every client pick its address)', () => {
    for (const bad of ['true', '10.0.0.0/33', 'proxy.local', '1.2.3.4/8/1']) expect(() => loadConfig({ ESCALON_TRUST_PROXY: bad })).toThrow(/ESCALON_TRUST_PROXY/);
  });
});

describe('loadConfig: hardening settings', () => {
  it('listens for SMTP on loopback by default, separately from the web listen address', () => {
    expect(loadConfig({ ESCALON_HOST: '0.0.0.0' }, '/x').smtpIn.host).toBe('127.0.0.1');
    expect(loadConfig({ ESCALON_HOST: '127.0.0.1', ESCALON_SMTP_IN_HOST: '0.0.0.0' }, '/x').smtpIn.host).toBe('0.0.0.0');
  });

  it('serves /metrics on the web address in development, only with a token or elsewhere in production', () => {
    expect(loadConfig({}, '/x').metrics).toEqual({ token: null, listen: null, onWebAddress: true });
    expect(loadConfig({ NODE_ENV: 'production', ESCALON_SECRET_KEY: 'k'.repeat(40) }, '/x').metrics.onWebAddress).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ESCALON_SECRET_KEY: 'k'.repeat(40), ESCALON_METRICS_TOKEN: 't'.repeat(20) }, '/x').metrics).toEqual({ token: 't'.repeat(20), listen: null, onWebAddress: true });
    expect(loadConfig({ ESCALON_METRICS_LISTEN: '127.0.0.1:9464' }, '/x').metrics).toEqual({ token: null, listen: { host: '127.0.0.1', port: 9464 }, onWebAddress: false });
    expect(loadConfig({ ESCALON_METRICS_LISTEN: '[::1]:9464' }, '/x').metrics.listen).toEqual({ host: '::1', port: 9464 });
    expect(() => loadConfig({ ESCALON_METRICS_LISTEN: '9464', ESCALON_METRICS_TOKEN: 'short' }, '/x')).toThrow(/ESCALON_METRICS_TOKEN must be at least 16[\s\S]*ESCALON_METRICS_LISTEN=.*host:port/);
  });
});
