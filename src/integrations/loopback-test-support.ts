import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { parseOutboundAllow } from '../lib/outbound-address.js';
import { OutboundHttp } from './outbound-http.js';

/** One request a loopback receiver got, with the raw body exactly as sent. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface LoopbackReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and a random port standing in for Slack, Teams or a
 * webhook consumer; `respond` plays the far side (verifying signatures, answering errors).
 */
export const startReceiver = async (
  respond: (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<LoopbackReceiver> => {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      Promise.resolve(respond(received, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A port that was just free and is now closed: connecting to it is refused. */
export const closedPort = async (): Promise<number> => {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

export const reply = (
  res: ServerResponse,
  status: number,
  body: string | object,
  headers: Record<string, string> = {},
): void => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
};

/** What tests pass to senders: loopback receivers allowed, as ESCALON_OUTBOUND_ALLOW would. */
export const loopbackOutbound = new OutboundHttp(parseOutboundAllow(['127.0.0.0/8', '::1']).policy);
