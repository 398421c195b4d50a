import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { describeEachDb } from '../../test/helpers/app.js';

describeEachDb('HTTP connections', (ctx) => {
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

  it('answers a request that is not HTTP in the error shape', async () => {
    const app = await buildApp(ctx().deps, { logger: false });
    const url = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = connect(Number(url.port), url.hostname, () => sock.write('NOT HTTP AT ALL\r\n\r\n'));
        let got = '';
        sock.on('data', (d) => (got += d.toString()));
        sock.on('end', () => resolve(got));
        sock.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'bad_request', message: 'The request is not valid HTTP.' } });
    } finally {
      await app.close();
    }
  });
});
