/**
 * Email intake through the real SMTP receiver over loopback: messages per second into tickets
 * (BENCH_MESSAGES, default 500, over 1 and 4 connections), and peak RSS while one 25 MB
 * message is received, kept and parsed. In-process (client and server in one process; the
 * client's own copy of the 25 MB message is part of the RSS figure).
 * Run: npx tsx --expose-gc bench/intake.bench.ts [sqlite|postgres]
 */
import os from 'node:os';
import { benchCases, report, seedBenchConfig } from './config.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest } from '../src/db/database.js';
import { createLogger } from '../src/lib/logger.js';
import { buildEml, withHeaders } from '../src/modules/intake-email/email-test-support.js';
import { startSmtpReceiver } from '../src/modules/intake-email/smtp-receiver.js';
import { RawSmtpClient, encodeData } from '../src/modules/intake-email/smtp-test-client.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';

const total = Number(process.env.BENCH_MESSAGES ?? 300);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
console.log(`intake bench: node ${process.version}, ${os.cpus().length} CPU(s), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  for (const benchCase of benchCases()) {
    const tdb = await createTestDatabase(kind);
    const config = loadConfig({
      ESCALON_DATA_DIR: tdb.dataDir,
      ESCALON_LOG_LEVEL: 'silent',
      ESCALON_DEMO: '0',
      // Receivers listen on loopback, which production refuses (ESCALON_OUTBOUND_ALLOW).
      ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
      ESCALON_SMTP_IN_MAX_BYTES: String(30 * 1024 * 1024),
    });
    config.database = tdb.config;
    const database = tdb.open();
    await migrateToLatest(database);
    const deps = createContainer(config, createLogger('silent'), { database });
    if (benchCase === 'configured') await seedBenchConfig(deps);
    const receiver = await startSmtpReceiver(deps.intakeEmail, createLogger('silent'), {
      host: '127.0.0.1',
      port: 0,
      maxBytes: 30 * 1024 * 1024,
      addresses: [],
    });

    for (const connections of [1, 4]) {
      const clients = await Promise.all(
        Array.from({ length: connections }, () => RawSmtpClient.open(receiver.port)),
      );
      let next = 0;
      const started = performance.now();
      const cpu0 = process.cpuUsage();
      await Promise.all(
        clients.map(async (c) => {
          for (;;) {
            const i = next++;
            if (i >= total) return;
            const raw = buildEml(
              withHeaders([
                ['Message-ID', `<bench-${connections}-${i}@example.jp>`],
                ['From', `Customer ${i % 50} <c${i % 50}@example.jp>`],
                ['Subject', `Bench ${i}`],
                ['Content-Type', 'text/plain; charset=utf-8'],
              ]),
              `プリンターが動きません (${i}).\n\nOn Mon, Jan 5, 2026 Support wrote:\n> previous text\n`,
            );
            const r = await c.send(raw);
            if (r.code !== 250) throw new Error(`${r.code} ${r.text}`);
          }
        }),
      );
      const secs = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      // CPU time of this process per message (client and server): steadier than the rate on a busy machine.
      const cpuMs = (cpu.user + cpu.system) / 1000 / total;
      await Promise.all(clients.map((c) => c.close()));
      console.log(
        `${kind} ${benchCase}: ${total} messages over ${connections} connection(s) into tickets: ${(total / secs).toFixed(0)} messages/s (${secs.toFixed(2)} s), ${cpuMs.toFixed(2)} ms CPU per message`,
      );
      report({
        harness: 'intake',
        figure: `email over SMTP into tickets, ${connections} connection(s)`,
        db: kind,
        case: benchCase,
        value: total / secs,
        unit: 'messages/s',
      });
    }

    // Peak RSS while receiving one 25 MB message (a 25 MB base64 attachment part). The message is
    // built before the baseline is taken, so the figure is the receiver's (plus the client's
    // socket writes of the pre-encoded DATA), not the harness building its test data.
    const body = [
      '--b',
      'Content-Type: text/plain',
      '',
      'see attachment',
      '--b',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      ...(Buffer.alloc(18 * 1024 * 1024, 7)
        .toString('base64')
        .match(/.{1,76}/g) ?? []),
      '--b--',
      '',
    ].join('\r\n');
    const big = buildEml(
      withHeaders([
        ['Message-ID', '<bench-big@example.jp>'],
        ['Content-Type', 'multipart/mixed; boundary="b"'],
      ]),
      body,
    );
    const data = encodeData(big);
    const c = await RawSmtpClient.open(receiver.port);
    for (let i = 0; i < 3; i++) global.gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const t0 = performance.now();
    const r = await c.sendEncoded(data);
    const dt = performance.now() - t0;
    clearInterval(sampler);
    await c.close();
    console.log(
      `${kind} ${benchCase}: one ${mib(big.length)} MiB message: ${r.code} in ${(dt / 1000).toFixed(2)} s; RSS before ${mib(base)} MiB, peak ${mib(peak)} MiB (+${mib(peak - base)} MiB)${global.gc ? '' : ' (run with --expose-gc for a settled baseline)'}`,
    );
    report({
      harness: 'intake',
      figure: `RSS while receiving one ${mib(big.length)} MiB message`,
      db: kind,
      case: benchCase,
      value: (peak - base) / 1024 / 1024,
      unit: 'MiB added',
    });

    await receiver.close();
    await deps.close();
    await tdb.drop();
  }
}
