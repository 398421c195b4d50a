import type { TFunction } from 'i18next';
import type { TimelineEvent } from '../../api/types.js';
import { describeOrigin } from '../escalations/origin.js';
import type { EscalationOrigin } from '../escalations/types.js';
import type { Names } from './describe-event.js';
import { describeHandEvent } from '../hands/describe-hand-event.js';

/** Formats an ISO instant in the reader's language and time zone (passed in: this file stays pure). */
export type FormatInstant = (iso: string | null | undefined) => string;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function personOf(e: TimelineEvent, t: TFunction, names: Names, key = 'userId'): string {
  const id = str(e.data[key]);
  if (id) return names.userName(id) ?? (e.author.id === id && e.author.name ? e.author.name : t('agent.events.someone'));
  if (e.author.type === 'system') return t('ticket.system');
  return e.author.name ?? t('agent.events.someone');
}

/** Level numbers as people say them: L1 is index 0. */
const levelNo = (v: unknown): string => {
  const n = num(v);
  return n === null ? '?' : String(n + 1);
};

function seconds(v: unknown, t: TFunction): string {
  const s = num(v) ?? 0;
  const m = Math.floor(s / 60);
  return m > 0 ? `${t('agent.duration.m', { count: m })}${s % 60 ? ' ' + t('agent.duration.s', { count: s % 60 }) : ''}` : t('agent.duration.s', { count: s });
}

/**
 * Readable sentences for escalation, SLA, call and bounce events. Returns null for kinds it does
 * not know, so the general describer can take over.
 */
export function describeAgentEvent(e: TimelineEvent, t: TFunction, names: Names, when: FormatInstant): string | null {
  const d = e.data;
  const actor = e.author.type === 'system' ? t('ticket.system') : (e.author.name ?? t('agent.events.someone'));
  const clock = (k: unknown) => t(`agent.sla.kind.${str(k) ?? 'resolution'}`, { defaultValue: str(k) ?? '' });
  const level = (v: unknown, name?: unknown) => str(name) ?? t('agent.events.level', { n: levelNo(v) });
  const hand = describeHandEvent(e, t, actor, when);
  if (hand !== null) return hand;
  let s: string | null = null;
  switch (e.kind) {
    case 'escalation.requested':
      s = t('agent.events.requested', { actor: personOf(e, t, names, 'requestedBy'), path: str(d.pathName) ?? (d.pathId ? t('agent.events.level', { n: levelNo(d.levelIndex ?? 0) }) : t('agent.events.noPolicy')) });
      // Why the system started it (or that it went directly), in the reader's language; older rows have no origin.
      if (d.origin && typeof d.origin === 'object') s = `${s} — ${describeOrigin(d.origin as EscalationOrigin, t)}`;
      break;
    case 'escalation.level_reached':
      s = t('agent.events.levelReached', { level: level(d.levelIndex, d.levelName) });
      break;
    case 'escalation.level_skipped':
      s = t('agent.events.levelSkipped', { level: level(d.levelIndex, d.levelName) });
      break;
    case 'escalation.acknowledged':
      s = t('agent.events.acknowledged', { user: personOf(e, t, names) });
      break;
    case 'escalation.target_acknowledged':
      s = t('agent.events.targetAcknowledged', { user: personOf(e, t, names) });
      break;
    case 'escalation.returned': {
      const reason = t(`agent.returnReason.${str(d.reason) ?? 'not_needed'}`, { defaultValue: str(d.reason) ?? '' });
      s = t('agent.events.returned', { user: personOf(e, t, names), reason: str(d.text) ? `${reason} — ${str(d.text)}` : reason });
      break;
    }
    case 'escalation.resolved':
      s = t('agent.events.resolved', { user: personOf(e, t, names) });
      break;
    case 'attachment.added':
      s = t('agent.events.attachmentAdded', { user: personOf(e, t, names), name: str(d.filename) ?? '' });
      break;
    case 'escalation.message':
      s = t(d.messageKind === 'question' ? 'agent.events.escQuestion' : 'agent.events.escInfo', { user: personOf(e, t, names), text: e.body ?? '' });
      break;
    case 'escalation.cancelled':
      s = t('agent.events.cancelled', { user: personOf(e, t, names) });
      break;
    case 'escalation.advanced':
      if (str(d.userId)) s = t('agent.events.advancedBy', { user: personOf(e, t, names), from: levelNo(d.fromLevel), to: levelNo(d.toLevel) });
      else s = t('agent.events.advanced', { from: levelNo(d.fromLevel), to: levelNo(d.toLevel), why: t(`agent.events.advanceReason.${str(d.reason) ?? 'timeout'}`, { defaultValue: str(d.reason) ?? '' }) });
      break;
    case 'escalation.reminder':
    case 'escalation.reminded':
      s = t('agent.events.reminder');
      break;
    case 'escalation.fallback':
      s = t('agent.events.fallback');
      break;
    case 'escalation.target_expired':
      s = t('agent.events.targetExpired');
      break;
    case 'escalation.stalled':
      s = t('agent.events.stalled', { level: level(d.levelIndex, d.levelName) });
      break;
    case 'escalation.ping_pong_detected':
      s = t('agent.events.pingPong', { count: num(d.transfers) ?? 0 });
      if (Array.isArray(d.chain) && d.chain.length)
        s = `${s}. ${t('agent.origin.pingPongHistory', { chain: d.chain.map(String).join(' → '), transfers: num(d.transfers) ?? 0, bounces: num(d.bounces) ?? 0, interpolation: { escapeValue: false } })}`;
      break;
    case 'sla.warning':
      s = t('agent.events.slaWarning', { clock: clock(d.clockKind), time: when(str(d.dueAt)) });
      break;
    case 'sla.warning_skipped':
      s = t('agent.events.slaWarningSkipped', { clock: clock(d.clockKind), time: when(str(d.dueAt)) });
      break;
    case 'sla.breached':
      s = t('agent.events.slaBreached', { clock: clock(d.clockKind), time: when(str(d.dueAt)) });
      break;
    case 'sla.reapplied': {
      const to = d.to as { policyName?: unknown } | null | undefined;
      const policy = str(to?.policyName) ?? t('agent.events.noPolicy');
      const fields = Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : [];
      s =
        d.cause === 'fields' && fields.length
          ? t('agent.events.slaReappliedFields', { fields: fields.map((f) => t(`events.fieldNames.${f}`, { defaultValue: f })).join(t('agent.origin.listSeparator')), to: policy })
          : t('agent.events.slaReapplied', { actor, to: policy });
      break;
    }
    case 'sla.policy_applied':
      s = t('agent.events.slaApplied', { name: str(d.policyName) ?? '' });
      break;
    case 'sla.escalation_requested':
      s = t('agent.events.slaEscalation', { clock: clock(d.clockKind) });
      break;
    case 'sla.action_failed':
      s = t('agent.events.slaActionFailed', { message: str(d.message) ?? '' });
      break;
    case 'call.logged':
      s = t('agent.events.callLogged', { actor, direction: t(`agent.events.callDirection.${str(d.direction) === 'outbound' ? 'outbound' : 'inbound'}`), duration: seconds(d.durationSeconds, t) });
      break;
    case 'email.bounced': {
      // Structured facts of the report (failed recipients, RFC 3463 status); the diagnostic is the event body.
      const failures = (Array.isArray(d.failures) ? d.failures : []).flatMap((f: unknown) => {
        const r = f as { recipient?: unknown; status?: unknown } | null;
        const recipient = str(r?.recipient);
        return recipient ? [{ recipient, status: str(r?.status) }] : [];
      });
      const status = str(d.status);
      const recipient = str(d.recipient) ?? t('agent.events.someone');
      s =
        failures.length > 1
          ? t('agent.events.emailBouncedMany', { count: failures.length, recipients: failures.map((f) => (f.status ? `${f.recipient} (${f.status})` : f.recipient)).join(t('agent.origin.listSeparator')) })
          : status
            ? t('agent.events.emailBouncedStatus', { recipient, status })
            : t('agent.events.emailBounced', { recipient });
      if (Array.isArray(d.bouncingCustomerIds) && d.bouncingCustomerIds.length > 0) s = `${s}${t('agent.events.stop')}${t('agent.events.emailBouncingMarked')}`;
      break;
    }
    case 'email.held':
      s = t('agent.mailAuth.heldEvent', { from: str((d.from as { address?: unknown } | undefined)?.address) ?? t('agent.events.someone') });
      break;
    case 'email.held_accepted':
      s = t('agent.mailAuth.acceptedEvent', { actor });
      break;
    case 'email.held_rejected':
      s = t('agent.mailAuth.rejectedEvent', { actor });
      break;
    default:
      return null;
  }
  // Text people wrote may already end a sentence ("…ですか？"): no second full stop.
  return /[.!?。！？]$/.test(s) ? s : s + t('agent.events.stop');
}
