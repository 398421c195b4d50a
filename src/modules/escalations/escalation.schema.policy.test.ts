import type { TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { LevelSchema, PathDefinitionSchema, TargetSchema } from '../paths/index.js';
import { RotationSchema } from '../oncall/index.js';
import { BriefSchema } from './escalation.schema.js';
import type { PathDefinition } from '../paths/index.js';
import type { Brief } from './escalation.types.js';

// Validated as the routes do: with Ajv, body options (no coercion, unknown fields rejected).
const ajv = new Ajv({ allErrors: true, removeAdditional: false, strict: false, coerceTypes: false });
const Value = { Check: (schema: TSchema, value: unknown): boolean => ajv.validate(schema, value) };

const path: PathDefinition = {
  name: 'Billing disputes',
  purpose: 'Refunds and double charges',
  ownerId: 'u1',
  reviewIntervalDays: 90,
  active: true,
  conditions: {
    categories: ['billing-dispute'],
    products: [],
    tags: ['vip'],
    tagMode: 'any',
    priorities: ['high'],
    channels: ['email'],
    customerTiers: [],
    customerTemperatures: ['angry'],
    keywords: ['返金'],
  },
  levels: [
    {
      name: 'L2 billing',
      kind: 'functional',
      targets: [
        { type: 'team', teamId: 't1' },
        { type: 'role', role: 'manager_of_current_team' },
      ],
      contact: { department: 'Billing', person: 'Sato', phone: '03-0000-0000', email: 'billing@example.com' },
      ackTimeoutSeconds: 1800,
      calendarId: null,
      onTimeout: { advance: true, repeatReminders: 2, reminderIntervalSeconds: 600 },
      requiredBriefFields: ['ask', 'impact'],
    },
  ],
  fallbackUserIds: ['admin'],
  fallbackTeamId: null,
};
const brief: Brief = {
  category: 'billing',
  ask: 'Approve a refund',
  concern: '',
  tried: '',
  environment: '',
  background: '',
  customerTemperature: 'angry',
  impact: { scope: 'this_customer', revenueRisk: true, legalRisk: false, note: '' },
  links: [],
};

describe('schemas', () => {
  it('accept valid data', () => {
    expect(Value.Check(PathDefinitionSchema, path)).toBe(true);
    expect(Value.Check(BriefSchema, brief)).toBe(true);
    expect(
      Value.Check(RotationSchema, {
        id: 'r',
        name: 'R',
        members: ['a'],
        shift: { unit: 'days', days: 7 },
        handoffTime: '09:00',
        timeZone: 'Asia/Tokyo',
        startDate: '2024-01-01',
        teamId: null,
        overrides: [],
      }),
    ).toBe(true);
  });
  it('reject what the routes must refuse', () => {
    expect(Value.Check(BriefSchema, { ...brief, ask: 'x'.repeat(2001) })).toBe(false);
    expect(Value.Check(BriefSchema, { ...brief, background: 'x'.repeat(20001) })).toBe(false);
    expect(
      Value.Check(BriefSchema, {
        ...brief,
        links: Array.from({ length: 51 }, () => ({ url: 'https://x', label: '' })),
      }),
    ).toBe(false);
    expect(Value.Check(TargetSchema, { type: 'role', role: 'ceo' })).toBe(false);
    expect(Value.Check(TargetSchema, { type: 'team', userId: 'x' })).toBe(false);
    expect(Value.Check(LevelSchema, { ...path.levels[0], ackTimeoutSeconds: -1 })).toBe(false);
    expect(Value.Check(LevelSchema, { ...path.levels[0], requiredBriefFields: ['colour'] })).toBe(false);
    expect(Value.Check(PathDefinitionSchema, { ...path, extra: 1 })).toBe(false);
    expect(
      Value.Check(RotationSchema, {
        id: 'r',
        name: 'R',
        members: [],
        shift: { unit: 'days', days: 1 },
        handoffTime: '9:00',
        timeZone: 'UTC',
        startDate: '2024-01-01',
        teamId: null,
        overrides: [],
      }),
    ).toBe(false);
  });
  it('describe themselves for OpenAPI', () => {
    expect(PathDefinitionSchema.description).toContain('escalation path');
    expect(LevelSchema.properties.ackTimeoutSeconds.description).toContain('acknowledge');
    expect(BriefSchema.properties.ask.description).toContain('conclusion first');
  });
});
