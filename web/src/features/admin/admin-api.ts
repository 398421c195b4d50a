/**
 * Shapes of the administration API (calendars, SLA, paths, rotations, channels), taken from the
 * server's presenters and schemas as types only, so the console follows the server's contract.
 */
import type { Static } from '@sinclair/typebox';
import type { CalendarView } from '../../../../src/modules/calendars/calendars.presenter.js';
import type { SlaPolicyView, SlaAction, SlaWarning } from '../../../../src/modules/sla/sla.schema.js';
import type { PathDiffView, PathVersionView, PathView, SimulationView } from '../../../../src/modules/paths/paths.presenter.js';
import type { OnCallView, RotationView } from '../../../../src/modules/oncall/oncall.presenter.js';
import type { EscalationView } from '../../../../src/modules/escalations/escalations.presenter.js';
import type { DeliveryView, TeamChannelView, WebhookView } from '../../../../src/modules/notifications/notifications.presenter.js';
import type { InboundMessageView } from '../../../../src/modules/intake-email/intake-email.presenter.js';
import type { Level, PathDefinition, Target, BriefField } from '../../../../src/modules/paths/path.types.js';

export type Calendar = CalendarView;
export type CalendarDefinition = CalendarView['definition'];
export type Weekday = keyof CalendarDefinition['weekly'];
export type SlaPolicy = SlaPolicyView;
export type { SlaAction, SlaWarning };
export type Path = PathView;
export type PathVersion = PathVersionView;
export type PathDiff = Static<typeof PathDiffView>;
export type Rotation = RotationView;
export type OnCall = Static<typeof OnCallView>;
export type Simulation = SimulationView;
export type Escalation = EscalationView;
export type Delivery = DeliveryView;
export type Webhook = Static<typeof WebhookView>;
export type TeamChannel = Static<typeof TeamChannelView>;
export type InboundMessage = InboundMessageView;
export type { Level, PathDefinition, Target, BriefField };

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const BRIEF_FIELDS: readonly BriefField[] = ['category', 'ask', 'concern', 'tried', 'environment', 'background', 'customerTemperature', 'impact', 'links'];
export const CLOCKS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type ClockKey = (typeof CLOCKS)[number];
export const CHANNELS = ['email', 'web', 'chat', 'phone', 'api'] as const;
export const TIERS = ['standard', 'silver', 'gold', 'platinum'] as const;
export const NOTIFY_CHANNELS = ['in_app', 'email', 'slack', 'teams'] as const;
