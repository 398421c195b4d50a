import { expect, it } from 'vitest';
import { describeEachDb } from '../../../../test/helpers/app.js';

describeEachDb('notification templates: unescaped output', (ctx) => {
  it('refuses a template that prints a customer-controlled field unescaped, at save time', async () => {
    const { request, actors } = ctx();
    const bad = await request('PUT', '/api/v1/notification-templates/escalation.requested/en', actors.admin, { subject: 'x', text: '{{{ticket.subject}}}', html: '<p>Ask:</p>\n<p>{{{escalation.ask}}}</p>' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ field: 'html', line: 2, column: 4 });
    expect(bad.body.error.message).toContain('write {{escalation.ask}} instead');
    const ok = await request('PUT', '/api/v1/notification-templates/escalation.requested/en', actors.admin, { subject: 'x', text: '{{{ticket.subject}}}', html: '<p>{{escalation.ask}}</p><a href="{{{ticket.url}}}">#{{ticket.number}}</a>' });
    expect(ok.status).toBe(200);
  });
});
