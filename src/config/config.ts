import { resolve } from 'node:path';

/**
 * Every setting Escalon reads, from environment variables. This is the only module that
 * reads process.env; loadConfig() lists every bad value at once so an operator fixes them
 * in one pass.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface SmtpOutConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  from: string;
}

export interface Config {
  databaseUrl: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  port: number;
  host: string;
  dataDir: string;
  demo: boolean;
  logLevel: LogLevel;
  publicUrl: string;
  /** Master key for secrets at rest (webhook and Slack secrets). Derived per purpose with HKDF. */
  secretKey: string;
  secretKeyIsDefault: boolean;
  sessionTtlHours: number;
  attachmentMaxBytes: number;
  bodyLimitBytes: number;
  loginRateLimitPerMinute: number;
  roles: { web: boolean; worker: boolean };
  smtpOut: SmtpOutConfig | null;
  smtpIn: { enabled: boolean; port: number; host: string; maxBytes: number; addresses: string[] };
}

export interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

/** Documented in README (keep the table there in step with this list). */
export const settingDocs: SettingDoc[] = [
  { name: 'ESCALON_DATABASE_URL', default: 'sqlite:./data/escalon.db', description: 'sqlite:<file> or postgres://user@host:port/db' },
  { name: 'ESCALON_PORT', default: '3000', description: 'HTTP port' },
  { name: 'ESCALON_HOST', default: '127.0.0.1', description: 'HTTP listen address (0.0.0.0 to listen on all interfaces)' },
  { name: 'ESCALON_DATA_DIR', default: './data', description: 'where attachments (and the default SQLite file) live' },
  { name: 'ESCALON_DEMO', default: '1', description: 'seed the demo workspace on first start of an empty database (0 = start empty)' },
  { name: 'ESCALON_LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  { name: 'ESCALON_PUBLIC_URL', default: 'http://<host>:<port>', description: 'base URL people use to reach Escalon (links in mail, Slack)' },
  { name: 'ESCALON_SECRET_KEY', default: '(development key)', description: 'master key (≥ 32 characters) for secrets at rest; set it in production' },
  { name: 'ESCALON_SESSION_TTL_HOURS', default: '12', description: 'browser session lifetime' },
  { name: 'ESCALON_ATTACHMENT_MAX_BYTES', default: '26214400', description: 'largest attachment accepted (25 MiB)' },
  { name: 'ESCALON_BODY_LIMIT_BYTES', default: '1048576', description: 'largest JSON request body' },
  { name: 'ESCALON_LOGIN_RATE_LIMIT', default: '10', description: 'login attempts per minute per client address' },
  { name: 'ESCALON_ROLES', default: 'web,worker', description: 'what this node runs: web (HTTP API and console), worker (timers and deliveries)' },
  { name: 'ESCALON_SMTP_URL', default: '(unset: mail is logged, not sent)', description: 'outgoing mail, smtp://user:pass@host:587 or smtps://…' },
  { name: 'ESCALON_MAIL_FROM', default: 'escalon@localhost', description: 'From address of outgoing mail' },
  { name: 'ESCALON_SMTP_IN_ENABLED', default: '0', description: 'run the built-in SMTP receiver' },
  { name: 'ESCALON_SMTP_IN_PORT', default: '2525', description: 'port of the built-in SMTP receiver' },
  { name: 'ESCALON_SMTP_IN_MAX_BYTES', default: '26214400', description: 'largest inbound message' },
  { name: 'ESCALON_SMTP_IN_ADDRESSES', default: '(any)', description: 'comma-separated addresses the receiver accepts mail for' },
];

const DEV_SECRET = 'escalon-development-secret-key-change-me-000000';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? fallback : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    problems.push(`${name}=${JSON.stringify(raw)} must be 1 or 0 (true/false)`);
    return fallback;
  };

  const dataDir = resolve(cwd, str('ESCALON_DATA_DIR', './data'));
  const databaseUrl = str('ESCALON_DATABASE_URL', 'sqlite:./data/escalon.db');
  let database: Config['database'] = { kind: 'sqlite', file: resolve(dataDir, 'escalon.db') };
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file === '') problems.push('ESCALON_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/escalon.db');
    else database = { kind: 'sqlite', file: file === ':memory:' ? ':memory:' : resolve(cwd, file) };
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    try {
      new URL(databaseUrl);
      database = { kind: 'postgres', url: databaseUrl };
    } catch {
      problems.push(`ESCALON_DATABASE_URL is not a valid URL: ${databaseUrl}`);
    }
  } else {
    problems.push(
      `ESCALON_DATABASE_URL=${JSON.stringify(databaseUrl)} must start with sqlite: or postgres:// (e.g. postgres://postgres@127.0.0.1:5432/escalon)`,
    );
  }

  const port = int('ESCALON_PORT', 3000, 0, 65535);
  const host = str('ESCALON_HOST', '127.0.0.1');
  const logLevel = str('ESCALON_LOG_LEVEL', 'info') as LogLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`ESCALON_LOG_LEVEL=${JSON.stringify(logLevel)} must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const publicUrlRaw = str('ESCALON_PUBLIC_URL', `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
  let publicUrl = publicUrlRaw.replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    problems.push(`ESCALON_PUBLIC_URL=${JSON.stringify(publicUrlRaw)} must be an http(s) URL`);
    publicUrl = 'http://localhost:3000';
  }
  const secretKeyRaw = env.ESCALON_SECRET_KEY;
  const secretKey = secretKeyRaw && secretKeyRaw.length > 0 ? secretKeyRaw : DEV_SECRET;
  if (secretKeyRaw !== undefined && secretKeyRaw.length > 0 && secretKeyRaw.length < 32) {
    problems.push('ESCALON_SECRET_KEY must be at least 32 characters long');
  }
  const rolesRaw = str('ESCALON_ROLES', 'web,worker');
  const roleList = rolesRaw.split(',').map((r) => r.trim()).filter(Boolean);
  for (const r of roleList) {
    if (r !== 'web' && r !== 'worker') problems.push(`ESCALON_ROLES: unknown role ${JSON.stringify(r)} (use web, worker)`);
  }

  let smtpOut: SmtpOutConfig | null = null;
  const smtpUrl = env.ESCALON_SMTP_URL?.trim();
  const from = str('ESCALON_MAIL_FROM', 'escalon@localhost');
  if (smtpUrl) {
    try {
      const u = new URL(smtpUrl);
      if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('protocol');
      smtpOut = {
        host: u.hostname,
        port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
        secure: u.protocol === 'smtps:',
        user: u.username ? decodeURIComponent(u.username) : undefined,
        password: u.password ? decodeURIComponent(u.password) : undefined,
        from,
      };
    } catch {
      problems.push('ESCALON_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465');
    }
  }

  const smtpIn = {
    enabled: bool('ESCALON_SMTP_IN_ENABLED', false),
    port: int('ESCALON_SMTP_IN_PORT', 2525, 0, 65535),
    host,
    maxBytes: int('ESCALON_SMTP_IN_MAX_BYTES', 25 * 1024 * 1024, 1024, 200 * 1024 * 1024),
    addresses: str('ESCALON_SMTP_IN_ADDRESSES', '')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
  };

  const config: Config = {
    databaseUrl,
    database,
    port,
    host,
    dataDir,
    demo: bool('ESCALON_DEMO', true),
    logLevel,
    publicUrl,
    secretKey,
    secretKeyIsDefault: secretKey === DEV_SECRET,
    sessionTtlHours: int('ESCALON_SESSION_TTL_HOURS', 12, 1, 24 * 90),
    attachmentMaxBytes: int('ESCALON_ATTACHMENT_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    bodyLimitBytes: int('ESCALON_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    loginRateLimitPerMinute: int('ESCALON_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    roles: { web: roleList.includes('web'), worker: roleList.includes('worker') },
    smtpOut,
    smtpIn,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
