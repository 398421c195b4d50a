import { expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { describeEachDb } from '../../test/helpers/app.js';

describeEachDb('HTTP shutdown', (ctx) => {
  it('finishes requests in flight while closing, and accepts no new connections', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const app = await buildApp(ctx().deps, {
      logger: false,
      routes: [
        (a) =>
          a.get(
            '/test/slow',
            { config: { public: true }, schema: { hide: true } },
            async () => (await held, { done: true }),
          ),
      ],
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${url}/test/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = app.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    release();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ done: true });
    await closed;
  });
});
