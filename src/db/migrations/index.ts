import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_calendars_sla.js';
import * as m0003 from './0003_escalations.js';
import * as m0004 from './0004_notifications.js';
import * as m0005 from './0005_intake.js';
import * as m0006 from './0006_customer_replies.js';
import * as m0007 from './0007_email_bouncing.js';
import * as m0008 from './0008_delivery_order_retry.js';
import * as m0009 from './0009_job_key_prefix.js';
import * as m0010 from './0010_ticket_list_indexes.js';
import * as m0011 from './0011_job_claim_order.js';
import * as m0012 from './0012_restricted_teams.js';
import * as m0013 from './0013_accounts_sessions.js';
import * as m0014 from './0014_public_surfaces.js';
import * as m0015 from './0015_privacy.js';
import * as m0016 from './0016_audit_filters.js';
import * as m0017 from './0017_slack_link_tokens.js';
import * as m0018 from './0018_desk.js';
import * as m0019 from './0019_hands.js';
import * as m0020 from './0020_incidents.js';
import * as m0021 from './0021_reports_csat.js';
import * as m0022 from './0022_search_knowledge.js';
import * as m0023 from './0023_macros_views.js';
import * as m0024 from './0024_job_kind_claims.js';
import * as m0027 from './0027_message_body_format.js';
import * as m0028 from './0028_report_covering_indexes.js';
import * as m0029 from './0029_report_escalation_covering_indexes.js';

/** Every migration, in order. Names sort; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_calendars_sla': m0002,
  '0003_escalations': m0003,
  '0004_notifications': m0004,
  '0005_intake': m0005,
  '0006_customer_replies': m0006,
  '0007_email_bouncing': m0007,
  '0008_delivery_order_retry': m0008,
  '0009_job_key_prefix': m0009,
  '0010_ticket_list_indexes': m0010,
  '0011_job_claim_order': m0011,
  '0012_restricted_teams': m0012,
  '0013_accounts_sessions': m0013,
  '0014_public_surfaces': m0014,
  '0015_privacy': m0015,
  '0016_audit_filters': m0016,
  '0017_slack_link_tokens': m0017,
  '0018_desk': m0018,
  '0019_hands': m0019,
  '0020_incidents': m0020,
  '0021_reports_csat': m0021,
  '0022_search_knowledge': m0022,
  '0023_macros_views': m0023,
  '0024_job_kind_claims': m0024,
  '0027_message_body_format': m0027,
  '0028_report_covering_indexes': m0028,
  '0029_report_escalation_covering_indexes': m0029,
};
