import { parseJson } from '../../db/database.js';
import type { SlaClocksTable, SlaPoliciesTable } from '../../db/schema.js';
import type { SlaClockSummary } from '../tickets/index.js';
import type { SlaPolicyView } from './sla.schema.js';
import type { SlaPolicy } from './sla.types.js';

export const toPolicy = (r: SlaPoliciesTable): SlaPolicy => ({
  id: r.id,
  name: r.name,
  position: Number(r.position),
  active: r.active === 1,
  conditions: parseJson(r.conditions, {}),
  targets: parseJson(r.targets, {}),
  pauseStatuses: parseJson<string[]>(r.pause_statuses, []),
  warnings: parseJson(r.warnings, {}),
  actions: parseJson(r.actions, {}),
  version: Number(r.version),
});

export const presentPolicy = (r: SlaPoliciesTable): SlaPolicyView => ({
  ...toPolicy(r),
  pauseStatuses: toPolicy(r).pauseStatuses as SlaPolicyView['pauseStatuses'],
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export const presentClock = (r: SlaClocksTable, policyName: string | null, remainingSeconds: number): SlaClockSummary => ({
  id: r.id,
  kind: r.kind as SlaClockSummary['kind'],
  state: r.state as SlaClockSummary['state'],
  dueAt: iso(r.due_at),
  remainingSeconds,
  targetSeconds: Number(r.target_seconds),
  calendarId: r.calendar_id,
  policyId: r.policy_id,
  policyName,
  startedAt: iso(r.started_at)!,
  metAt: iso(r.met_at),
  breachedAt: iso(r.breached_at),
});
