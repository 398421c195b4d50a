import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';

describeEachDb('operations and bad input', (ctx) => {
  it('serves health, readiness and Prometheus metrics', async () => {
    const { request, app } = ctx();
    expect((await request('GET', '/healthz', null)).body).toEqual({ status: 'ok' });
    expect((await request('GET', '/readyz', null)).body).toEqual({ status: 'ready' });
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.body).toContain('escalon_http_request_duration_seconds');
    expect(m.body).toContain('escalon_process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const { request } = ctx();
    const doc = (await request('GET', '/api/v1/openapi.json', null)).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/tickets', '/api/v1/tickets/{id}', '/api/v1/tickets/{id}/messages', '/api/v1/tickets/{id}/timeline', '/api/v1/users', '/api/v1/teams', '/api/v1/customers']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const create = doc.paths['/api/v1/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.properties.priority.enum).toEqual(['low', 'normal', 'high', 'urgent']);
    expect(create.responses['201']).toBeDefined();
  });

  it('answers malformed JSON, wrong content types and oversized bodies with a 4xx error body', async () => {
    const { app, actors } = ctx();
    const bad = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { ...actors.agent.auth, 'content-type': 'application/json' }, payload: '{"subject": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/JSON/);
    const text = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { ...actors.agent.auth, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
    const huge = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { ...actors.agent.auth, 'content-type': 'application/json' }, payload: JSON.stringify({ subject: 'x', description: 'a'.repeat(2_000_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const wrongType = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { ...actors.agent.auth, 'content-type': 'application/json' }, payload: { subject: 42, tags: 'x' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(['body.subject', 'body.tags']));
  });

  it('answers unknown routes and ids with 404 and a request id', async () => {
    const { request, actors } = ctx();
    const r = await request('GET', '/api/v1/nothing-here', actors.agent);
    expect(r.status).toBe(404);
    expect(r.body.error.requestId).toBeTruthy();
    expect((await request('GET', '/api/v1/tickets/01a2079d-64a3-72d6-8665-1ccf40357136', actors.agent)).status).toBe(404);
  });

  it('refuses roles what they may not do', async () => {
    const { request, actors } = ctx();
    for (const role of ['agent', 'specialist', 'supervisor', 'manager'] as const) {
      expect((await request('GET', '/api/v1/audit', actors[role])).status).toBe(403);
      expect((await request('POST', '/api/v1/teams', actors[role], { name: `t-${role}` })).status).toBe(403);
      expect((await request('PATCH', `/api/v1/users/${actors.admin.id}`, actors[role], { name: 'x' })).status).toBe(403);
    }
    expect((await request('DELETE', `/api/v1/organizations/01a2079d-64a3-72d6-8665-1ccf40357136`, actors.agent)).status).toBe(403);
    expect((await request('GET', '/api/v1/audit', actors.admin)).status).toBe(200);
  });
});

describeEachDb('workspace', (ctx) => {
  it('tells the sign-in screen whether this is the demo workspace, without demo logins otherwise', async () => {
    const { request } = ctx();
    expect((await request('GET', '/api/v1/workspace', null)).body).toEqual({ demo: false });
  });
});
