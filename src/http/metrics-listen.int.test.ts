import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startServer, type RunningServer } from '../main.js';

// Only the listener's address differs by configuration, not by database: SQLite is enough here.
describe('/metrics on a separate listen address (ESCALON_METRICS_LISTEN)', () => {
  let dir = '';
  let server: RunningServer | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'escalon-metrics-'));
    const config = loadConfig({ ESCALON_DATA_DIR: dir, ESCALON_PORT: '0', ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_ROLES: 'web', ESCALON_METRICS_LISTEN: '127.0.0.1:0' });
    server = await startServer(config, { quiet: true });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics there and not on the web address', async () => {
    expect(server!.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const m = await fetch(`${server!.metricsUrl}/metrics`);
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('escalon_');
    const web = await fetch(`${server!.url.replace('0.0.0.0', '127.0.0.1')}/metrics`);
    expect(web.status).toBe(404);
    // The metrics listener serves nothing else.
    expect((await fetch(`${server!.metricsUrl}/api/v1/openapi.json`)).status).toBe(404);
  });
});
