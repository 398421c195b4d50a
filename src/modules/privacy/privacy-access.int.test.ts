/**
 * Exports respect the ticket access policy (issue 14 §2): a supervisor who may not see a
 * restricted team's ticket does not get it in a customer's export. Restricted teams come with
 * branch s4-access; until they are on this branch (POST /teams refuses `restricted`), the test
 * skips itself. Once merged it fails until PrivacyService gets its visibleTicketIds (container).
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

describeEachDb('customer export and restricted teams', (get) => {
  it("leaves a restricted team's tickets out of the export of a supervisor who may not see them", async (t) => {
    const c = get();
    const { actors } = c;
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal (privacy)', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    if (legal.status !== 201 || legal.body.restricted !== true) return t.skip();
    const hidden = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Contract', description: 'LEGAL-SECRET', requesterEmail: 'vip.privacy@example.com', teamId: legal.body.id });
    const open = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Printer', description: 'x', requesterEmail: 'vip.privacy@example.com' });
    const customerId = hidden.body.requesterId as string;
    const sv = await c.request('GET', `/api/v1/customers/${customerId}/export`, actors.supervisor);
    expect(sv.status).toBe(200);
    expect(sv.body.tickets.map((x: { id: string }) => x.id)).toEqual([open.body.id]);
    expect(JSON.stringify(sv.body)).not.toContain('LEGAL-SECRET');
    const admin = await c.request('GET', `/api/v1/customers/${customerId}/export`, actors.admin);
    expect(admin.body.tickets).toHaveLength(2);
  });
});
