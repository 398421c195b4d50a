/* global performance */
// GETs one path over `connections` keep-alive connections for `seconds`, in a thread of its own,
// so the load generator does not share the measured server's event loop. Posts { served, failed }.
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

const { origin, path, seconds, connections, languages } = workerData;
const pool = new Pool(origin, { connections, pipelining: 1 });
let served = 0;
let failed = 0;
const until = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: connections }, async (_, k) => {
    while (performance.now() < until) {
      const r = await pool.request({ path, method: 'GET', headers: { 'accept-language': languages[k % languages.length] } });
      await r.body.dump();
      if (r.statusCode === 200) served++;
      else failed++;
    }
  }),
);
await pool.close();
parentPort.postMessage({ served, failed });
