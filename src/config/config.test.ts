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
});
