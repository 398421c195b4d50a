/**
 * The live stream closes when its session ends on another node (PostgreSQL: the announcement
 * goes through LISTEN/NOTIFY). SQLite runs one node, so the single-node case is tested in
 * src/modules/users/accounts.int.test.ts on both databases.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createContainer, type Container } from '../../container.js';
import type { AppInstance } from '../../http/app-types.js';
import { createLogger } from '../../lib/logger.js';
import { closeTestApp, createTestApp, TEST_PASSWORD, type TestContext } from '../../../test/helpers/app.js';
import { isAvailable } from '../../../test/helpers/databases.js';

describe.runIf(isAvailable('postgres'))('live stream across nodes [postgres]', () => {
  let ctx: TestContext;
  let other: { deps: Container; app: AppInstance };
  beforeAll(async () => {
    ctx = await createTestApp('postgres');
    const deps = createContainer(ctx.deps.config, createLogger('silent'), {
      clock: ctx.clock,
      database: ctx.db.open(),
    });
    const app = await buildApp(deps, { logger: false });
    await app.ready();
    other = { deps, app };
  });
  afterAll(async () => {
    await other?.app.close();
    await other?.deps.close();
    await closeTestApp(ctx);
  });

  it('a logout on one node closes the stream held open on another', async () => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ctx.actors.agent.email, password: TEST_PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const address = await other.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpRequest(
        new URL('/api/v1/events/stream', address),
        { headers: { cookie, accept: 'text/event-stream' } },
        resolve,
      );
      r.on('error', reject);
      r.end();
    });
    expect(res.statusCode).toBe(200);
    res.resume();
    const closed = new Promise<'closed'>((resolve) => res.on('end', () => resolve('closed')));
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': login.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5000))])).toBe(
      'closed',
    );
  });
});
