import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseOutboundAllow, urlRefusal, type OutboundPolicy } from '../lib/outbound-address.js';

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
  /** Production-like start (issue 14): production mode, demo asked for explicitly, and why. */
  deployment: Deployment;
  logLevel: LogLevel;
  publicUrl: string;
  /** Master key for secrets at rest (webhook and Slack secrets). Derived per purpose with HKDF. */
  secretKey: string;
  secretKeyIsDefault: boolean;
  sessionTtlHours: number;
  attachmentMaxBytes: number;
  /** At most this many files go with one reply or note. */
  attachmentMaxCount: number;
  /** Types an agent may upload (MIME types, `type/*` patterns, or `*`); inbound mail keeps whatever it carries. */
  attachmentTypes: string[];
  bodyLimitBytes: number;
  loginRateLimitPerMinute: number;
  roles: { web: boolean; worker: boolean };
  smtpOut: SmtpOutConfig | null;
  smtpIn: { enabled: boolean; port: number; host: string; maxBytes: number; addresses: string[] };
  imap: { mailboxes: ImapMailboxConfig[]; pollSeconds: number };
  /** The support address customers write to (Reply-To of confirmations; never a ticket sender). */
  inboundAddress: string | null;
  contactRateLimitPerMinute: number;
  // --- public surfaces (issue 14 §4) ---
  /** Days a requester's private link keeps working after the ticket was solved (or closed). */
  publicLinkDays: number;
  /** A reply threading onto a ticket from a sender failing DMARC (or unverifiable): held for an agent, or accepted. */
  emailUnverified: 'hold' | 'accept';
  /** Longest wait of one DNS lookup of the SPF/DKIM/DMARC evaluation (the whole evaluation is capped at 3× + 2 s). */
  emailAuthDnsTimeoutMs: number;
  // --- end public surfaces ---
  /** Slack app: signing secret (interactivity), bot token (chat.postMessage), API base (tests). */
  slack: { signingSecret: string | null; botToken: string | null; apiUrl: string };
  /** Events for one person and ticket within this window are grouped into one message. */
  notifyGroupSeconds: number;
  /** SIGTERM: how long running jobs and requests may take to finish before the node exits. */
  shutdownGraceMs: number;
  // accounts (issue 14)
  /** Fastify trustProxy: false, a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Failed sign-ins per account (any address) per 15 minutes. */
  loginAccountRateLimit: number;
  // outaudit: outbound HTTP allow list (CIDRs and host names beyond the public internet)
  outboundAllow: OutboundPolicy;
  // --- privacy (issue 14 §4): 0 = keep forever
  /** Closed tickets (messages, attachments, timeline) are purged this many days after closing. */
  retentionClosedDays: number;
  /** Raw inbound mail (file and row) is purged this many days after it arrived. */
  retentionRawMailDays: number;
  // -- hardening (s4-harden)
  /** /metrics: Bearer token, separate listen address, and whether the web address serves it. */
  metrics: { token: string | null; listen: { host: string; port: number } | null; onWebAddress: boolean };
}

export interface Deployment {
  /** NODE_ENV=production. */
  production: boolean;
  /** Why this start looks like production (empty on a developer's machine). */
  productionLikeReasons: string[];
  /** ESCALON_DEMO was set to 1 explicitly (seed even in a production-like start, with a warning). */
  demoExplicit: boolean;
}

export interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

/** Documented in README (keep the table there in step with this list). */
/** What agents may upload unless ESCALON_ATTACHMENT_TYPES says otherwise: pictures, documents, archives, mail. */
export const DEFAULT_ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.*',
  'message/rfc822',
];

export const settingDocs: SettingDoc[] = [
  { name: 'ESCALON_DATABASE_URL', default: 'sqlite:<ESCALON_DATA_DIR>/escalon.db', description: 'sqlite:<file> or postgres://user@host:port/db' },
  { name: 'ESCALON_PORT', default: '3000', description: 'HTTP port' },
  { name: 'ESCALON_HOST', default: '127.0.0.1', description: 'HTTP listen address (0.0.0.0 to listen on all interfaces)' },
  { name: 'ESCALON_DATA_DIR', default: './data', description: 'where attachments (and the default SQLite file) live' },
  { name: 'ESCALON_DEMO', default: '1 (0 in a production-like start)', description: 'seed the demo workspace on first start of an empty database (0 = start empty); a production-like start (NODE_ENV=production, a non-loopback ESCALON_HOST or ESCALON_PUBLIC_URL) seeds it only when set to 1 explicitly' },
  { name: 'ESCALON_LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  { name: 'ESCALON_PUBLIC_URL', default: 'http://<host>:<port>', description: 'base URL people use to reach Escalon (links in mail, Slack)' },
  { name: 'ESCALON_SECRET_KEY', default: '(development key)', description: 'master key (≥ 32 characters) for secrets at rest; required with NODE_ENV=production (rotate with `escalon secrets rotate --old-key`)' },
  { name: 'ESCALON_SESSION_TTL_HOURS', default: '12', description: 'browser session lifetime' },
  { name: 'ESCALON_ATTACHMENT_MAX_BYTES', default: '26214400', description: 'largest attachment accepted (25 MiB)' },
  { name: 'ESCALON_ATTACHMENT_MAX_COUNT', default: '10', description: 'most files sent with one reply or note (1–20)' },
  { name: 'ESCALON_ATTACHMENT_TYPES', default: DEFAULT_ATTACHMENT_TYPES.join(','), description: 'types agents may upload: MIME types or type/* patterns, comma-separated (* allows any); the type is sniffed from the file, not taken from the browser' },
  { name: 'ESCALON_BODY_LIMIT_BYTES', default: '1048576', description: 'largest JSON request body' },
  { name: 'ESCALON_LOGIN_RATE_LIMIT', default: '10', description: 'login attempts per minute per client address' },
  { name: 'ESCALON_ROLES', default: 'web,worker', description: 'what this node runs: web (HTTP API and console), worker (timers and deliveries)' },
  { name: 'ESCALON_SLACK_SIGNING_SECRET', default: '(unset: Slack buttons refused)', description: 'Slack app signing secret; verifies Acknowledge button presses and the /escalon link command' },
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
  { name: 'NODE_ENV', default: '(unset)', description: 'production = production mode: ESCALON_SECRET_KEY required, no demo unless ESCALON_DEMO=1' },
  { name: 'ESCALON_TRUST_PROXY', default: '(unset: trust no proxy)', description: 'behind a reverse proxy: the number of proxy hops (1) or the proxies\' addresses/CIDRs, comma-separated (10.0.0.0/8,192.168.1.5), so the client address (rate limits, audit) is right' },
  { name: 'ESCALON_LOGIN_ACCOUNT_RATE_LIMIT', default: '10', description: 'failed sign-ins per account per 15 minutes, from any address (all nodes together)' },
  { name: 'ESCALON_OUTBOUND_ALLOW', default: '(none)', description: 'comma-separated CIDRs or host names outbound HTTP (webhooks, team channels, Slack, messaging) may reach although loopback, private, link-local or metadata addresses are refused' },
  { name: 'ESCALON_PUBLIC_LINK_DAYS', default: '90', description: 'days a requester\'s private link keeps working after the ticket is solved; a link also stops when the requester changes' },
  { name: 'ESCALON_EMAIL_UNVERIFIED', default: 'hold', description: 'hold or accept: a reply onto a ticket whose sender fails DMARC (or cannot be checked: DNS temperror) is held for an agent to accept or reject, or appended anyway' },
  { name: 'ESCALON_EMAIL_AUTH_DNS_TIMEOUT_MS', default: '1500', description: 'timeout of one DNS lookup of the inbound SPF/DKIM/DMARC check; on timeout the verdict is temperror and intake goes on' },
  { name: 'ESCALON_RETENTION_CLOSED_DAYS', default: '0 (keep forever)', description: 'purge closed tickets (messages, attachments, timeline) this many days after they were closed' },
  { name: 'ESCALON_RETENTION_RAW_MAIL_DAYS', default: '0 (keep forever)', description: 'purge raw inbound mail (the kept .eml files and their rows) this many days after it arrived' },
  { name: 'ESCALON_METRICS_TOKEN', default: '(unset)', description: '/metrics answers only with Authorization: Bearer <this token>' },
  { name: 'ESCALON_METRICS_LISTEN', default: '(unset)', description: 'host:port of a separate listener serving only /metrics (e.g. 127.0.0.1:9464); then the web address does not serve it. In production (NODE_ENV=production) with neither set, /metrics is not served' },
  { name: 'ESCALON_SHUTDOWN_GRACE_MS', default: '10000', description: 'on SIGTERM, how long running jobs may take to finish; the rest are released to other nodes at once' },
];

/**
 * ESCALON_TRUST_PROXY: unset/0/false (the peer is the client), a hop count (1 = one proxy in
 * front), or the proxies' IPs and CIDRs (only they may set X-Forwarded-For). Never `true`:
 * trusting every peer lets any client choose its own address and walk past rate limits.
 */
function attachmentTypes(raw: string, problems: string[]): string[] {
  const list = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const t of list) if (t !== '*' && !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*\*?)$/.test(t)) problems.push(`ESCALON_ATTACHMENT_TYPES: ${JSON.stringify(t)} is not a MIME type or type/* pattern`);
  if (list.length === 0) problems.push('ESCALON_ATTACHMENT_TYPES must name at least one type (or *)');
  return list;
}

function parseTrustProxy(raw: string, problems: string[]): false | number | string[] {
  if (raw === '' || raw === '0' || raw.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n <= 32) return n;
  } else {
    const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
    const ok = entries.every((e) => {
      const [addr, bits, extra] = e.split('/');
      const kind = isIP(addr ?? '');
      if (!kind || extra !== undefined) return false;
      return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
    });
    if (ok && entries.length) return entries;
  }
  problems.push(`ESCALON_TRUST_PROXY=${JSON.stringify(raw)} must be a proxy hop count (1) or proxy addresses/CIDRs separated by commas (10.0.0.0/8,192.168.1.5)`);
  return false;
}

const DEV_SECRET = 'escalon-development-secret-key-change-me-000000';

/** localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address or in URL brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127(\.\d{1,3}){3}$/.test(v4);
}

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
  const defaultHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const publicUrlRaw = str('ESCALON_PUBLIC_URL', `http://${defaultHost}:${port}`);
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
  // Production starts: the development key is in the source, so every secret sealed with it
  // is readable by anyone; the demo (known passwords) is seeded only when asked for by name.
  const production = env.NODE_ENV?.trim() === 'production';
  if (production && secretKey === DEV_SECRET) {
    problems.push(
      'ESCALON_SECRET_KEY is not set (or is the development key from the source): with NODE_ENV=production set it to a random value of at least 32 characters, e.g. `openssl rand -base64 48`',
    );
  }
  const productionLikeReasons: string[] = [];
  if (production) productionLikeReasons.push('NODE_ENV=production');
  if (!isLoopbackHost(host)) productionLikeReasons.push(`ESCALON_HOST=${host} is not a loopback address`);
  try {
    if (!isLoopbackHost(new URL(publicUrl).hostname)) productionLikeReasons.push(`ESCALON_PUBLIC_URL=${publicUrl} is not a loopback address`);
  } catch {
    /* reported above */
  }
  const demoSetting = env.ESCALON_DEMO?.trim() ? bool('ESCALON_DEMO', false) : undefined;
  const demoExplicit = demoSetting === true;
  const demo = demoSetting ?? productionLikeReasons.length === 0;
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

  const trustProxy = parseTrustProxy(str('ESCALON_TRUST_PROXY', ''), problems);
  // outaudit: outbound allow list, and the Slack API base checked against it
  const outbound = parseOutboundAllow(str('ESCALON_OUTBOUND_ALLOW', '').split(','));
  for (const e of outbound.errors) problems.push(`ESCALON_OUTBOUND_ALLOW: ${e}`);
  const slackApiUrl = str('ESCALON_SLACK_API_URL', 'https://slack.com/api').replace(/\/+$/, '');
  const slackRefusal = urlRefusal(outbound.policy, slackApiUrl);
  if (slackRefusal) problems.push(`ESCALON_SLACK_API_URL=${JSON.stringify(slackApiUrl)}: ${slackRefusal}`);
  const emailUnverifiedRaw = str('ESCALON_EMAIL_UNVERIFIED', 'hold').toLowerCase();
  if (emailUnverifiedRaw !== 'hold' && emailUnverifiedRaw !== 'accept') problems.push(`ESCALON_EMAIL_UNVERIFIED=${JSON.stringify(emailUnverifiedRaw)} must be hold or accept`);
  const emailUnverified = emailUnverifiedRaw === 'accept' ? 'accept' : 'hold';

  const config: Config = {
    databaseUrl,
    database,
    port,
    host,
    dataDir,
    demo,
    deployment: { production, productionLikeReasons, demoExplicit },
    logLevel,
    publicUrl,
    secretKey,
    secretKeyIsDefault: secretKey === DEV_SECRET,
    sessionTtlHours: int('ESCALON_SESSION_TTL_HOURS', 12, 1, 24 * 90),
    attachmentMaxBytes: int('ESCALON_ATTACHMENT_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    attachmentMaxCount: int('ESCALON_ATTACHMENT_MAX_COUNT', 10, 1, 20),
    attachmentTypes: attachmentTypes(str('ESCALON_ATTACHMENT_TYPES', DEFAULT_ATTACHMENT_TYPES.join(',')), problems),
    bodyLimitBytes: int('ESCALON_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    loginRateLimitPerMinute: int('ESCALON_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    roles: { web: roleList.includes('web'), worker: roleList.includes('worker') },
    smtpOut,
    smtpIn,
    imap: { mailboxes: imapMailboxes, pollSeconds: int('ESCALON_IMAP_POLL_SECONDS', 60, 5, 86_400) },
    inboundAddress,
    contactRateLimitPerMinute: int('ESCALON_CONTACT_RATE_LIMIT', 5, 1, 10_000),
    publicLinkDays: int('ESCALON_PUBLIC_LINK_DAYS', 90, 1, 36_500),
    emailUnverified,
    emailAuthDnsTimeoutMs: int('ESCALON_EMAIL_AUTH_DNS_TIMEOUT_MS', 1500, 50, 30_000),
    slack: {
      signingSecret: env.ESCALON_SLACK_SIGNING_SECRET?.trim() || null,
      botToken: env.ESCALON_SLACK_BOT_TOKEN?.trim() || null,
      apiUrl: slackApiUrl,
    },
    notifyGroupSeconds: int('ESCALON_NOTIFY_GROUP_SECONDS', 60, 0, 3600),
    shutdownGraceMs: int('ESCALON_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    trustProxy,
    loginAccountRateLimit: int('ESCALON_LOGIN_ACCOUNT_RATE_LIMIT', 10, 1, 10_000),
    outboundAllow: outbound.policy,
    retentionClosedDays: int('ESCALON_RETENTION_CLOSED_DAYS', 0, 0, 36_500),
    retentionRawMailDays: int('ESCALON_RETENTION_RAW_MAIL_DAYS', 0, 0, 36_500),
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
    onWebAddress: !metricsListen && (metricsToken !== null || !production),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
