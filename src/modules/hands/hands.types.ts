/**
 * Domain types of raise a hand (手上げ): an operator's live, conclusion-first question to a
 * supervisor, routed in tiers with timeouts in seconds, claimed by exactly one supervisor.
 * Plain data (JSON-safe): the tiers are snapshotted on the hand when it is raised.
 */

export const HAND_STATES = ['open', 'claimed', 'closed'] as const;
export type HandState = (typeof HAND_STATES)[number];

/** How a hand ended. `escalated`: it became an escalation with the brief pre-filled from it. */
export const HAND_OUTCOMES = ['answered', 'callback', 'escalated', 'resolved_self', 'cancelled'] as const;
export type HandOutcome = (typeof HAND_OUTCOMES)[number];

/** What the supervisor does on the phone system when joining; Escalon records when and which. */
export const JOIN_MODES = ['monitor', 'whisper', 'barge'] as const;
export type JoinMode = (typeof JOIN_MODES)[number];

export const TEMPERATURE_POSITIONS = ['first', 'last'] as const;
export type TemperaturePosition = (typeof TEMPERATURE_POSITIONS)[number];

/**
 * Who a tier alerts: the supervisors of the operator's own teams (the team leader), the
 * supervisors of a named team (a skill group), every supervisor on the floor, every manager
 * (the floor manager), or one person.
 */
export type HandTarget =
  | { type: 'operator_team_supervisors' }
  | { type: 'team_supervisors'; teamId: string }
  | { type: 'all_supervisors' }
  | { type: 'managers' }
  | { type: 'user'; userId: string };

export interface HandTier {
  name: string;
  targets: HandTarget[];
  /** How long this tier has the hand before the next tier is alerted too (default 12 s). */
  timeoutSeconds: number;
}

export interface PlaybookExample {
  category: string;
  /** The conclusion first: what the operator needs decided (or is worried about). */
  ask: string;
}

/** The workspace's configuration of hands (settings key `hands.config`). */
export interface HandsConfig {
  tiers: HandTier[];
  /** The site's list of inquiry categories the form offers. */
  categories: string[];
  /** Short examples the form shows, in each console language. */
  examples: { ja: PlaybookExample[]; en: PlaybookExample[] };
  /** The site's rule: the customer's temperature is said first, or deliberately last. */
  temperaturePosition: TemperaturePosition;
  /** Hands one supervisor may hold at once; routing skips those at the maximum. */
  maxPerSupervisor: number;
  /** Target seconds to claim, for the reports' "claimed within target" share. */
  claimTargetSeconds: number;
}

export const DEFAULT_TIER_TIMEOUT_SECONDS = 12;

export const DEFAULT_HANDS_CONFIG: HandsConfig = {
  tiers: [
    { name: 'Team leader', targets: [{ type: 'operator_team_supervisors' }], timeoutSeconds: DEFAULT_TIER_TIMEOUT_SECONDS },
    { name: 'Floor', targets: [{ type: 'all_supervisors' }], timeoutSeconds: DEFAULT_TIER_TIMEOUT_SECONDS },
    { name: 'Floor manager', targets: [{ type: 'managers' }], timeoutSeconds: DEFAULT_TIER_TIMEOUT_SECONDS },
  ],
  categories: ['billing', 'refund', 'cancellation', 'technical', 'complaint', 'other'],
  examples: {
    ja: [
      { category: 'refund', ask: '購入後40日の返金を例外として認めてよいか判断をお願いします' },
      { category: 'complaint', ask: 'お客様が上席対応を求めています。代わっていただけますか' },
    ],
    en: [
      { category: 'refund', ask: 'May I refund an order bought 40 days ago as an exception?' },
      { category: 'complaint', ask: 'The customer asks for a supervisor. Can you take the call?' },
    ],
  },
  temperaturePosition: 'last',
  maxPerSupervisor: 1,
  claimTargetSeconds: 20,
};

/** Why a person of a tier is not alerted now. */
export type HandSkip =
  | 'operator'
  | 'unknown'
  | 'deactivated'
  | 'on_leave'
  | 'away'
  | 'off'
  | 'busy'
  | 'not_available_for_hands'
  | 'on_call'
  | 'at_capacity';

/** What routing reads about the people it may alert (a snapshot, as of now). */
export interface RoutingPeople {
  /** Role of every user (agent, specialist, supervisor, manager, admin). */
  roles: Readonly<Record<string, string>>;
  /** Hands presence; a user without a row is available for hands and not on a call. */
  presence: Readonly<Record<string, { availableForHands: boolean; onCall: boolean }>>;
  /** Claimed, not yet closed hands per supervisor. */
  activeHands: Readonly<Record<string, number>>;
}

export interface TierRouting {
  tierIndex: number;
  alerted: string[];
  skipped: { userId: string; why: HandSkip }[];
}

/** The result of routing from one tier on: the tier that now has the hand, or exhausted. */
export interface RoutingResult {
  /** The tiers passed, in order (a tier with nobody to alert is passed at once). */
  tiers: TierRouting[];
  /** The tier that holds the hand, or the last tier when exhausted. */
  tierIndex: number;
  /** Everyone alerted so far (the earlier tiers' people keep seeing it). */
  alerted: string[];
  /** When the current tier's time is up; null when exhausted. */
  nextTierAt: number | null;
  /** Past the last tier: stays open, highlighted, and the managers are alerted. */
  exhausted: boolean;
}

export interface HandCallState {
  onCall: boolean;
  callId: string | null;
  callerNumber: string | null;
}
