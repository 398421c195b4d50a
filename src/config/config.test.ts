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
});

describe('loadConfig: hardening settings', () => {
  it('listens for SMTP on loopback by default, separately from the web listen address', () => {
    expect(loadConfig({ ESCALON_HOST: '0.0.0.0' }, '/x').smtpIn.host).toBe('127.0.0.1');
    expect(loadConfig({ ESCALON_HOST: '127.0.0.1', ESCALON_SMTP_IN_HOST: '0.0.0.0' }, '/x').smtpIn.host).toBe('0.0.0.0');
  });

  it('serves /metrics on the web address in development, only with a token or elsewhere in production', () => {
    expect(loadConfig({}, '/x').metrics).toEqual({ token: null, listen: null, onWebAddress: true });
    expect(loadConfig({ NODE_ENV: 'production' }, '/x').metrics.onWebAddress).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ESCALON_METRICS_TOKEN: 't'.repeat(20) }, '/x').metrics).toEqual({ token: 't'.repeat(20), listen: null, onWebAddress: true });
    expect(loadConfig({ ESCALON_METRICS_LISTEN: '127.0.0.1:9464' }, '/x').metrics).toEqual({ token: null, listen: { host: '127.0.0.1', port: 9464 }, onWebAddress: false });
    expect(loadConfig({ ESCALON_METRICS_LISTEN: '[::1]:9464' }, '/x').metrics.listen).toEqual({ host: '::1', port: 9464 });
    expect(() => loadConfig({ ESCALON_METRICS_LISTEN: '9464', ESCALON_METRICS_TOKEN: 'short' }, '/x')).toThrow(/ESCALON_METRICS_TOKEN must be at least 16[\s\S]*ESCALON_METRICS_LISTEN=.*host:port/);
  });
});
