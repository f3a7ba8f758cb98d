// Slack's side of Socket Mode, small enough for tests: `apps.connections.open` over HTTP, then a
// WebSocket (RFC 6455: handshake, text frames, ping/pong, close) that says hello, delivers the
// envelopes a test sends and hands back what the app acknowledges.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { closeServer, listen } from '../../../src/local/stand-ins/http-server';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface FakeSocketMode {
  /** For the SocketModeClient's slackApiUrl. */
  apiUrl: string;
  /** Resolves once an app has connected and been greeted. */
  connected: Promise<void>;
  send(envelope: Record<string, unknown>): void;
  /** The next message the app sends (an acknowledgement). */
  nextMessage(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(appToken: string): Promise<FakeSocketMode> {
  let socket: Duplex | undefined;
  let onConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    onConnected = resolve;
  });
  const received: Record<string, unknown>[] = [];
  const waiting: Array<(message: Record<string, unknown>) => void> = [];
  const deliver = (message: Record<string, unknown>) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else received.push(message);
  };

  const server = createServer((request, response) => {
    const authorized = request.headers.authorization === `Bearer ${appToken}`;
    const body = request.url?.endsWith('/apps.connections.open')
      ? authorized
        ? { ok: true, url: `ws://127.0.0.1:${port}/link` }
        : { ok: false, error: 'invalid_auth' }
      : { ok: false, error: 'unknown_method' };
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  server.on('upgrade', (request: IncomingMessage, upgraded: Duplex) => {
    const key = request.headers['sec-websocket-key'];
    const accept = createHash('sha1').update(`${key}${WEBSOCKET_GUID}`).digest('base64');
    upgraded.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket = upgraded;
    let buffer = Buffer.alloc(0);
    upgraded.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let frame = readFrame(buffer); frame; frame = readFrame(buffer)) {
        buffer = buffer.subarray(frame.length);
        if (frame.opcode === 0x1)
          deliver(JSON.parse(frame.payload.toString('utf8')) as Record<string, unknown>);
        else if (frame.opcode === 0x9) upgraded.write(encodeFrame(0xa, frame.payload));
        else if (frame.opcode === 0x8) {
          upgraded.end(encodeFrame(0x8, frame.payload));
        }
      }
    });
    upgraded.on('error', () => {});
    upgraded.write(encodeFrame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
    onConnected();
  });
  const port = await listen(server, 0);

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    connected,
    send: (envelope) => {
      if (!socket) throw new Error('no app is connected');
      socket.write(encodeFrame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    nextMessage: () => {
      const message = received.shift();
      return message ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => {
      socket?.destroy();
      return closeServer(server);
    },
  };
}

/** A server frame: never masked. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigEndian64(length)]);
  return Buffer.concat([header, payload]);
}

function bigEndian64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** A client frame (always masked), or undefined while it has not fully arrived. */
function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  const masked = ((buffer[1] ?? 0) & 0x80) !== 0;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return undefined;
  const mask = buffer.subarray(offset, offset + maskLength);
  const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (masked) {
    for (let index = 0; index < payload.length; index += 1) {
      payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
    }
  }
  return { opcode, payload, length: offset + maskLength + length };
}
