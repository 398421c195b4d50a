/** Issue 14 §3: limits shared by every node (database), per account as well as per address, behind a proxy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createContainer, type Container } from '../container.js';
import { createLogger } from '../lib/logger.js';
import type { AppInstance } from './app-types.js';
import { allDatabases, isAvailable } from '../../test/helpers/databases.js';
import { closeTestApp, createTestApp, TEST_PASSWORD, type TestContext } from '../../test/helpers/app.js';

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`shared rate limits [${kind}]`, () => {
    let ctx: TestContext;
    let second: { deps: Container; app: AppInstance };
    beforeAll(async () => {
      ctx = await createTestApp(kind, {
        env: {
          ESCALON_LOGIN_RATE_LIMIT: '4',
          ESCALON_LOGIN_ACCOUNT_RATE_LIMIT: '3',
          ESCALON_TRUST_PROXY: '127.0.0.1/32',
        },
      });
      // A second node on the same database (its own process state, its own connection pool).
      const deps = createContainer(ctx.deps.config, createLogger('silent'), {
        clock: ctx.clock,
        database: ctx.db.open(),
      });
      const app = await buildApp(deps, { logger: false });
      await app.ready();
      second = { deps, app };
    });
    afterAll(async () => {
      await second?.app.close();
      await second?.deps.close();
      await closeTestApp(ctx);
    });

    const login = (
      app: AppInstance,
      email: string,
      password: string,
      remoteAddress: string,
      forwardedFor?: string,
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        remoteAddress,
        headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      });

    it('counts one address across both nodes: the limit holds once, not once per node', async () => {
      const statuses: number[] = [];
      // Different accounts, so only the per-address limit (4 a minute) applies.
      for (let i = 0; i < 6; i++)
        statuses.push(
          (
            await login(
              i % 2 ? second.app : ctx.app,
              `nobody${i}@test.example`,
              'wrong-password-1',
              '192.0.2.10',
            )
          ).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      const limited = await login(ctx.app, 'nobody7@test.example', 'wrong-password-1', '192.0.2.10');
      expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { scope: 'address', retryAfterSeconds: expect.any(Number) } });
      expect(limited.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
      // Another address is not affected; after the window it passes again.
      expect(
        (await login(second.app, 'nobody@test.example', 'wrong-password-1', '192.0.2.11')).statusCode,
      ).toBe(401);
      ctx.clock.advance(60_000);
      expect(
        (await login(ctx.app, 'nobody9@test.example', 'wrong-password-1', '192.0.2.10')).statusCode,
      ).toBe(401);
    });

    it('throttles failed sign-ins per account from any address and any node, the right password included', async () => {
      ctx.clock.advance(60_000);
      const email = ctx.actors.specialist.email;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await login(i % 2 ? second.app : ctx.app, email, 'wrong-password-1', `198.51.100.${i + 1}`))
            .statusCode,
        );
      expect(statuses).toEqual([401, 401, 401]);
      const refused = await login(second.app, email, TEST_PASSWORD, '198.51.100.50');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({ code: 'rate_limited', details: { scope: 'account' } });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Other accounts still sign in; the account does again after its 15 minutes.
      expect((await login(ctx.app, ctx.actors.agent.email, TEST_PASSWORD, '198.51.100.51')).statusCode).toBe(
        200,
      );
      ctx.clock.advance(15 * 60_000);
      expect((await login(ctx.app, email, TEST_PASSWORD, '198.51.100.52')).statusCode).toBe(200);
    });

    it('takes the client address from X-Forwarded-For only when the peer is a trusted proxy', async () => {
      ctx.clock.advance(60_000);
      // Through the trusted proxy (127.0.0.1): each client has its own count and the audit shows it.
      const viaProxy = await login(
        ctx.app,
        'proxied@test.example',
        'wrong-password-1',
        '127.0.0.1',
        '203.0.113.7',
      );
      expect(viaProxy.statusCode).toBe(401);
      const audit = await ctx.deps.audit.list({ limit: 1, action: 'auth.login_failed' });
      expect(audit.items[0]!.ip).toBe('203.0.113.7');
      // From an untrusted peer the header is ignored: a client cannot pick a fresh address per try.
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (
            await login(
              second.app,
              `spoof${i}@test.example`,
              'wrong-password-1',
              '192.0.2.99',
              `203.0.113.${100 + i}`,
            )
          ).statusCode,
        );
      expect(statuses[4]).toBe(429);
    });
  });
}
