import { Type, type Static } from '@sinclair/typebox';
import type { CustomerRow, OrganizationRow } from '../../db/schema.js';
import { OneOf, Nullable } from '../../http/schemas.js';

export const TIERS = ['standard', 'silver', 'gold', 'platinum'] as const;
export const TierSchema = OneOf(TIERS, { description: 'value of the customer: standard, silver, gold, platinum' });


export const OrganizationView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  tier: TierSchema,
  customerCount: Type.Integer({ description: 'customers in the organization' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type OrganizationView = Static<typeof OrganizationView>;

export const CustomerView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  organizationId: Nullable(Type.String()),
  organizationName: Nullable(Type.String()),
  tier: TierSchema,
  effectiveTier: TierSchema,
  locale: Type.String(),
  emailBouncing: Nullable(
    Type.Object(
      {
        since: Type.String({ description: 'when the last hard bounce (5.x.x) of the address arrived' }),
        status: Nullable(Type.String({ description: 'RFC 3463 status, e.g. 5.1.1' })),
        diagnostic: Nullable(Type.String({ description: "the remote server's words, e.g. smtp; 550 5.1.1 user unknown" })),
      },
      { description: 'the address bounces: automatic mail (acknowledgements, confirmations) no longer goes to it; cleared by the next mail from the customer or by changing the address' },
    ),
  ),
  erasedAt: Nullable(Type.String({ description: 'when the customer was erased on request (name, email and phone are placeholders since)' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type CustomerView = Static<typeof CustomerView>;

const rank = (t: string) => TIERS.indexOf(t as (typeof TIERS)[number]);
/** A customer is treated at the higher of their own tier and their organisation's. */
export const effectiveTier = (own: string, org: string | undefined): (typeof TIERS)[number] =>
  (org !== undefined && rank(org) > rank(own) ? org : own) as (typeof TIERS)[number];

export const presentOrganization = (o: OrganizationRow, customerCount: number): OrganizationView => ({
  id: o.id,
  name: o.name,
  tier: o.tier as OrganizationView['tier'],
  customerCount,
  createdAt: new Date(o.created_at).toISOString(),
  updatedAt: new Date(o.updated_at).toISOString(),
});

export const presentCustomer = (c: CustomerRow, org: OrganizationRow | undefined): CustomerView => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  organizationId: c.organization_id,
  organizationName: org?.name ?? null,
  tier: c.tier as CustomerView['tier'],
  effectiveTier: effectiveTier(c.tier, org?.tier),
  locale: c.locale,
  emailBouncing:
    c.email_bouncing_at === null || c.email_bouncing_at === undefined
      ? null
      : { since: new Date(Number(c.email_bouncing_at)).toISOString(), status: c.email_bouncing_status ?? null, diagnostic: c.email_bouncing_diagnostic ?? null },
  erasedAt: c.erased_at === null || c.erased_at === undefined ? null : new Date(Number(c.erased_at)).toISOString(),
  createdAt: new Date(c.created_at).toISOString(),
  updatedAt: new Date(c.updated_at).toISOString(),
});
