import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

describeEachDb('brief links', (ctx) => {
  it('accepts http, https and mailto brief links and refuses javascript:, data: and others naming the link', async () => {
    const { request, actors } = ctx();
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L2', [{ type: 'user', userId: actors.specialist.id }])]));
    expect(path.status).toBe(201);
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Links' });
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '//evil.example', 'http']) {
      const r = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help', links: [{ url: 'https://ok.example', label: 'ok' }, { url, label: 'x' }] } });
      expect(r.status, url).toBe(400);
      expect(r.body.error.details.problems[0].field, url).toMatch(/links\.1\.url$/);
    }
    const ok = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, {
      pathId: path.body.id,
      brief: { ask: 'help', links: [{ url: 'https://crm.example/a?b=1', label: 'CRM' }, { url: 'HTTP://old.example', label: '' }, { url: 'mailto:billing@example.jp', label: 'billing' }] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

});
