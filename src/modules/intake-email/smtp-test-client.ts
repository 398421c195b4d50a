import { connect, type Socket } from 'node:net';

/**
 * A minimal SMTP client for tests and the bench: sends the exact bytes of a message (bare LF
 * becomes CRLF as SMTP requires, lines starting with '.' are dot-stuffed), nothing re-encoded.
 */
export class RawSmtpClient {
  private buffer = '';
  private waiters: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  private closed = false;
  private lines: string[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
    });
    socket.on('data', (d: string) => {
      this.buffer += d;
      let i;
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        const w = this.waiters.shift();
        if (w) w.resolve(line);
        else this.lines.push(line);
      }
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawSmtpClient> {
    const socket = connect(port, host);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new RawSmtpClient(socket);
    await c.reply();
    await c.command('EHLO test.example');
    return c;
  }

  private nextLine(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** One (possibly multi-line) reply: its code and text. */
  async reply(): Promise<{ code: number; text: string }> {
    const texts: string[] = [];
    for (;;) {
      const line = await this.nextLine();
      texts.push(line.slice(4));
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), text: texts.join('\n') };
    }
  }

  async command(cmd: string): Promise<{ code: number; text: string }> {
    this.socket.write(`${cmd}\r\n`);
    return this.reply();
  }

  /** One mail transaction; the reply to the end of DATA (or the first refusal). */
  send(raw: Buffer, opts: { from?: string; to?: string[] } = {}): Promise<{ code: number; text: string }> {
    return this.sendEncoded(encodeData(raw), opts);
  }

  /** `send` with DATA already encoded by `encodeData` (a benchmark keeps its own copy out of the figure). */
  async sendEncoded(data: Buffer, opts: { from?: string; to?: string[] } = {}): Promise<{ code: number; text: string }> {
    const mailFrom = await this.command(`MAIL FROM:<${opts.from ?? 'sender@test.example'}>`);
    if (mailFrom.code !== 250) return mailFrom;
    for (const to of opts.to ?? ['support@escalon.test']) {
      const r = await this.command(`RCPT TO:<${to}>`);
      if (r.code !== 250) {
        await this.command('RSET');
        return r;
      }
    }
    const started = await this.command('DATA');
    if (started.code !== 354) return started;
    this.socket.write(data);
    this.socket.write('.\r\n');
    return this.reply();
  }

  async close(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }
}

/** The DATA bytes: CRLF line ends, dot-stuffed, ending with CRLF (before the final '.'). */
export function encodeData(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw[i] === 0x0a) {
      let end = i;
      if (end > start && raw[end - 1] === 0x0d) end--;
      if (i === raw.length && end === start) break;
      const line = raw.subarray(start, end);
      if (line[0] === 0x2e) out.push(Buffer.from('.'));
      out.push(line, Buffer.from('\r\n'));
      start = i + 1;
    }
  }
  return Buffer.concat(out);
}
