import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

describeEachDb('escalations over HTTP', (ctx) => {
  it('refuses a second open escalation to the same level or target with 409 naming the open one', async () => {
    const { request, actors } = ctx();
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L2 billing', [{ type: 'user', userId: actors.specialist.id }]), levelBody('L3', [{ type: 'user', userId: actors.manager.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Twice?' });
    const first = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help' } });
    expect(first.status).toBe(201);
    const again = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help again' } });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'duplicate_escalation', escalationId: first.body.id, levelIndex: 0, levelName: 'L2 billing' });
    expect(again.body.error.message).toContain('L2 billing');
    // Another level of the same path is a different ask.
    expect((await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, levelIndex: 1, brief: { ask: 'boss' } })).status).toBe(201);
    // Direct escalations: the same person twice is refused, another person is not.
    const target = { type: 'user', userId: actors.supervisor.id };
    expect((await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { target, brief: { ask: 'look' } })).status).toBe(201);
    const direct = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { target, brief: { ask: 'look again' } });
    expect(direct.status).toBe(409);
    expect(direct.body.error.details.reason).toBe('duplicate_escalation');
    // Once the first one is finished, escalating to that level is allowed again.
    expect((await request('POST', `/api/v1/escalations/${first.body.id}/cancel`, actors.agent)).status).toBe(200);
    expect((await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help' } })).status).toBe(201);
  });

  it('acknowledges and advances without a body, with an empty JSON body, and still validates a body that is sent', async () => {
    const { app, request, actors } = ctx();
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }]), levelBody('L2', [{ type: 'user', userId: actors.manager.id }]), levelBody('L3', [{ type: 'user', userId: actors.admin.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'No body' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help' } });
    const post = (url: string, actor: { auth: Record<string, string> }, headers: Record<string, string>, payload?: string) =>
      app.inject({ method: 'POST', url, headers: { ...actor.auth, ...headers }, ...(payload !== undefined && { payload }) });

    const noBody = await post(`/api/v1/escalations/${esc.body.id}/advance`, actors.agent, {});
    expect(noBody.statusCode, noBody.body).toBe(200);
    expect(JSON.parse(noBody.body).levelIndex).toBe(1);
    const emptyJson = await post(`/api/v1/escalations/${esc.body.id}/advance`, actors.agent, { 'content-type': 'application/json' }, '');
    expect(emptyJson.statusCode, emptyJson.body).toBe(200);
    expect(JSON.parse(emptyJson.body).levelIndex).toBe(2);
    const ack = await post(`/api/v1/escalations/${esc.body.id}/acknowledge`, actors.admin, { 'content-type': 'application/json' }, '');
    expect(ack.statusCode, ack.body).toBe(200);
    expect(JSON.parse(ack.body).status).toBe('acknowledged');

    const unknownField = await post(`/api/v1/escalations/${esc.body.id}/acknowledge`, actors.admin, { 'content-type': 'application/json' }, '{"nope":1}');
    expect(unknownField.statusCode).toBe(400);
    expect(JSON.parse(unknownField.body).error.details.problems[0].field).toBe('body.nope');
    const broken = await post(`/api/v1/escalations/${esc.body.id}/acknowledge`, actors.admin, { 'content-type': 'application/json' }, '{');
    expect(broken.statusCode).toBe(400);
    // A route whose body is required still says so when it is empty.
    const required = await post(`/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { 'content-type': 'application/json' }, '');
    expect(required.statusCode).toBe(400);
    expect(JSON.parse(required.body).error.code).toBe('validation_failed');
  });
});
