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

/** One mailbox the IMAP poller reads (from ESCALON_IMAP_URL). */
export interface ImapMailboxConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
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
  imap: { mailboxes: ImapMailboxConfig[]; pollSeconds: number };
  /** The support address customers write to (Reply-To of confirmations; never a ticket sender). */
  inboundAddress: string | null;
  contactRateLimitPerMinute: number;
  /** Slack app: signing secret (interactivity), bot token (chat.postMessage), API base (tests). */
  slack: { signingSecret: string | null; botToken: string | null; apiUrl: string };
  /** Events for one person and ticket within this window are grouped into one message. */
  notifyGroupSeconds: number;
  /** SIGTERM: how long running jobs and requests may take to finish before the node exits. */
  shutdownGraceMs: number;
  // -- hardening (s4-harden)
  /** /metrics: Bearer token, separate listen address, and whether the web address serves it. */
  metrics: { token: string | null; listen: { host: string; port: number } | null; onWebAddress: boolean };
}

export interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

/** Documented in README (keep the table there in step with this list). */
export const settingDocs: SettingDoc[] = [
  { name: 'ESCALON_DATABASE_URL', default: 'sqlite:<ESCALON_DATA_DIR>/escalon.db', description: 'sqlite:<file> or postgres://user@host:port/db' },
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
  { name: 'ESCALON_SLACK_SIGNING_SECRET', default: '(unset: Slack buttons refused)', description: 'Slack app signing secret; verifies Acknowledge button presses' },
  { name: 'ESCALON_SLACK_BOT_TOKEN', default: '(unset)', description: 'Slack bot token (xoxb-…) for direct messages to people who linked their Slack id' },
  { name: 'ESCALON_SLACK_API_URL', default: 'https://slack.com/api', description: 'Slack Web API base URL (changed only by tests)' },
  { name: 'ESCALON_NOTIFY_GROUP_SECONDS', default: '60', description: 'notifications for one person and ticket within this window are grouped into one message' },
  { name: 'ESCALON_SMTP_URL', default: '(unset: mail is logged, not sent)', description: 'outgoing mail, smtp://user:pass@host:587 or smtps://…' },
  { name: 'ESCALON_MAIL_FROM', default: 'escalon@localhost', description: 'From address of outgoing mail' },
  { name: 'ESCALON_SMTP_IN_ENABLED', default: '0', description: 'run the built-in SMTP receiver' },
  { name: 'ESCALON_SMTP_IN_HOST', default: '127.0.0.1', description: 'listen address of the built-in SMTP receiver (separate from ESCALON_HOST; 0.0.0.0 for all interfaces)' },
  { name: 'ESCALON_SMTP_IN_PORT', default: '2525', description: 'port of the built-in SMTP receiver' },
  { name: 'ESCALON_SMTP_IN_MAX_BYTES', default: '26214400', description: 'largest inbound message' },
  { name: 'ESCALON_SMTP_IN_ADDRESSES', default: '(any)', description: 'comma-separated addresses the receiver accepts mail for' },
  { name: 'ESCALON_IMAP_URL', default: '(unset: no polling)', description: 'mailboxes to poll, comma-separated: imaps://user:pass@host:993/INBOX' },
  { name: 'ESCALON_IMAP_POLL_SECONDS', default: '60', description: 'how often the IMAP mailboxes are polled' },
  { name: 'ESCALON_INBOUND_ADDRESS', default: '(unset)', description: 'the support address customers write to (From and Reply-To of agent replies, Reply-To of confirmations; mail from it is never a ticket)' },
  { name: 'ESCALON_CONTACT_RATE_LIMIT', default: '5', description: 'contact-form submissions per minute per client address' },
  { name: 'ESCALON_METRICS_TOKEN', default: '(unset)', description: '/metrics answers only with Authorization: Bearer <this token>' },
  { name: 'ESCALON_METRICS_LISTEN', default: '(unset)', description: 'host:port of a separate listener serving only /metrics (e.g. 127.0.0.1:9464); then the web address does not serve it. In production (NODE_ENV=production) with neither set, /metrics is not served' },
  { name: 'ESCALON_SHUTDOWN_GRACE_MS', default: '10000', description: 'on SIGTERM, how long running jobs may take to finish; the rest are released to other nodes at once' },
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
  const databaseUrl = str('ESCALON_DATABASE_URL', `sqlite:${resolve(dataDir, 'escalon.db')}`);
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
    host: str('ESCALON_SMTP_IN_HOST', '127.0.0.1'),
    maxBytes: int('ESCALON_SMTP_IN_MAX_BYTES', 25 * 1024 * 1024, 1024, 200 * 1024 * 1024),
    addresses: str('ESCALON_SMTP_IN_ADDRESSES', '')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
  };

  const imapMailboxes: ImapMailboxConfig[] = [];
  for (const raw of str('ESCALON_IMAP_URL', '').split(',').map((u) => u.trim()).filter(Boolean)) {
    try {
      const u = new URL(raw);
      if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error('protocol');
      if (!u.hostname || !u.username) throw new Error('user');
      const secure = u.protocol === 'imaps:';
      imapMailboxes.push({
        host: u.hostname,
        port: u.port ? Number(u.port) : secure ? 993 : 143,
        secure,
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        mailbox: decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX',
      });
    } catch {
      problems.push('ESCALON_IMAP_URL must list URLs like imaps://user:password@host:993/INBOX (or imap://… on 143)');
    }
  }
  const inboundAddress = str('ESCALON_INBOUND_ADDRESS', '').toLowerCase() || null;
  if (inboundAddress && !/^[^\s@<>]+@[^\s@<>]+$/.test(inboundAddress)) problems.push(`ESCALON_INBOUND_ADDRESS=${JSON.stringify(inboundAddress)} must be a mail address`);

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
    imap: { mailboxes: imapMailboxes, pollSeconds: int('ESCALON_IMAP_POLL_SECONDS', 60, 5, 86_400) },
    inboundAddress,
    contactRateLimitPerMinute: int('ESCALON_CONTACT_RATE_LIMIT', 5, 1, 10_000),
    slack: {
      signingSecret: env.ESCALON_SLACK_SIGNING_SECRET?.trim() || null,
      botToken: env.ESCALON_SLACK_BOT_TOKEN?.trim() || null,
      apiUrl: str('ESCALON_SLACK_API_URL', 'https://slack.com/api').replace(/\/+$/, ''),
    },
    notifyGroupSeconds: int('ESCALON_NOTIFY_GROUP_SECONDS', 60, 0, 3600),
    shutdownGraceMs: int('ESCALON_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    metrics: { token: null, listen: null, onWebAddress: true },
  };
  // -- hardening (s4-harden): where /metrics is served
  const metricsToken = env.ESCALON_METRICS_TOKEN?.trim() || null;
  if (metricsToken && metricsToken.length < 16) problems.push('ESCALON_METRICS_TOKEN must be at least 16 characters long');
  const metricsListenRaw = str('ESCALON_METRICS_LISTEN', '');
  let metricsListen: Config['metrics']['listen'] = null;
  if (metricsListenRaw) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(metricsListenRaw);
    if (!m || Number(m[3]) > 65535) problems.push(`ESCALON_METRICS_LISTEN=${JSON.stringify(metricsListenRaw)} must be host:port, e.g. 127.0.0.1:9464`);
    else metricsListen = { host: (m[1] ?? m[2])!, port: Number(m[3]) };
  }
  config.metrics = {
    token: metricsToken,
    listen: metricsListen,
    onWebAddress: !metricsListen && (metricsToken !== null || env.NODE_ENV !== 'production'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
