import { BlockList, isIP } from 'node:net';

/**
 * Which addresses outbound HTTP (webhooks, team channels, Slack, messaging) may reach. An
 * administrator's webhook URL must not become a way to call the metadata service, the
 * database or an internal admin page from inside the network (SSRF), so loopback, private,
 * link-local, CGNAT, metadata, unspecified, multicast and reserved ranges are refused unless
 * `ESCALON_OUTBOUND_ALLOW` lists them (CIDRs) or the host name.
 */
const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.169.254', 32, 'ipv4', 'cloud metadata'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fd00:ec2::254', 128, 'ipv6', 'cloud metadata'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'reserved'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const forbiddenLists = FORBIDDEN.map(([net, prefix, type, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return { list, reason };
});

/** `::ffff:127.0.0.1`, `::ffff:7f00:1`, NAT64 `64:ff9b::7f00:1` and `::127.0.0.1` carry an IPv4 address. */
export const embeddedIpv4 = (address: string): string | null => {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const m = /^(?:::ffff:|::ffff:0:|64:ff9b::|::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(a);
  if (!m) return null;
  if (m[1]) return isIP(m[1]) === 4 ? m[1] : null;
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
};

/** Why an address must not be reached ('loopback', 'private', …), or null when it is public. */
export const forbiddenReason = (address: string): string | null => {
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = isIP(bare) === 6 ? embeddedIpv4(bare) : bare;
  const ip = v4 ?? bare;
  const type = isIP(ip) === 4 ? 'ipv4' : isIP(ip) === 6 ? 'ipv6' : null;
  if (!type) return 'not an IP address';
  for (const { list, reason } of forbiddenLists) if (list.check(ip, type)) return reason;
  return null;
};

export interface OutboundPolicy {
  allowHosts: ReadonlySet<string>;
  allowCidrs: BlockList;
  /** As configured, for messages. */
  entries: readonly string[];
}

/** Parses `ESCALON_OUTBOUND_ALLOW` entries (CIDRs, single addresses or host names). */
export const parseOutboundAllow = (entries: readonly string[]): { policy: OutboundPolicy; errors: string[] } => {
  const allowHosts = new Set<string>();
  const allowCidrs = new BlockList();
  const errors: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [net, prefixText] = entry.split('/');
    const bare = net!.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    if (family) {
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) errors.push(`${raw}: bad prefix length`);
      else allowCidrs.addSubnet(bare, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (prefixText === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      allowHosts.add(entry.replace(/\.$/, ''));
    } else {
      errors.push(`${raw}: neither a CIDR, an address nor a host name`);
    }
  }
  return { policy: { allowHosts, allowCidrs, entries: entries.map((e) => e.trim()).filter(Boolean) }, errors };
};

export const NO_ALLOWANCES: OutboundPolicy = parseOutboundAllow([]).policy;

const normalHost = (host: string): string => host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

export const isHostAllowed = (policy: OutboundPolicy, host: string): boolean => policy.allowHosts.has(normalHost(host));

/** Why `address` (reached for `host`) is refused under `policy`, or null when it may be reached. */
export const refusalOf = (policy: OutboundPolicy, host: string, address: string): string | null => {
  if (isHostAllowed(policy, host)) return null;
  const reason = forbiddenReason(address);
  if (!reason) return null;
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = isIP(bare) === 6 ? embeddedIpv4(bare) : null;
  for (const ip of [bare, v4].filter((x): x is string => !!x)) {
    if (policy.allowCidrs.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')) return null;
  }
  const shown = normalHost(host) === bare.toLowerCase() ? bare : `${normalHost(host)} resolves to ${bare}`;
  return `${shown}, a ${reason} address, is not allowed for outbound HTTP (ESCALON_OUTBOUND_ALLOW)`;
};

/**
 * The check made when a URL is saved: the scheme, and a host that is itself a forbidden
 * address or a `localhost` name. Names are resolved only when connecting (see
 * integrations/outbound-http.ts), where every resolved address is checked again.
 */
export const urlRefusal = (policy: OutboundPolicy, url: string): string | null => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs are allowed';
  const host = normalHost(parsed.hostname);
  if (isIP(host)) return refusalOf(policy, host, host);
  if ((host === 'localhost' || host.endsWith('.localhost')) && !isHostAllowed(policy, host)) {
    return refusalOf(policy, host, '127.0.0.1');
  }
  return null;
};
