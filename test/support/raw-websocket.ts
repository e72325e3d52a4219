// Hand-built WebSocket frames over a plain TCP socket (node:net), for tests that must send
// what no well-behaved client library would: a real upgrade with the token, then any bytes,
// and the close code the server answers with. Frame layout: RFC 6455 section 5.2.

import net from 'node:net';

export interface FrameParts {
  readonly opcode: number;
  readonly payload?: Buffer;
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  /** Client frames must be masked (RFC 6455 5.1); false builds an illegal unmasked one. */
  readonly masked?: boolean;
  /** Announce this length instead of the payload's (a header that promises more than it sends). */
  readonly announcedLength?: number;
}

/** One frame. The mask key is random; the payload is XORed with it as the RFC requires. */
export function buildFrame(parts: FrameParts): Buffer {
  const payload = parts.payload ?? Buffer.alloc(0);
  const length = parts.announcedLength ?? payload.length;
  const masked = parts.masked ?? true;
  const first = (parts.fin === false ? 0 : 0x80) | (parts.rsv1 ? 0x40 : 0) | parts.opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, maskBit | length]);
  else if (length < 65_536) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(length, 2);
    header[1] = maskBit | 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(BigInt(length), 2);
    header[1] = maskBit | 127;
  }
  header[0] = first;
  if (!masked) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([header, key, body]);
}

export interface RawSocket {
  readonly socket: net.Socket;
  /**
   * The close code of the server's close frame, or 'no close frame' when the connection ends
   * without one, or 'timeout' when nothing ends within timeoutMs.
   */
  closeCode(timeoutMs?: number): Promise<number | 'no close frame' | 'timeout'>;
}

/** Connects, upgrades to a WebSocket at path (token in its query), and resolves once upgraded. */
export function openRawWebSocket(port: number, pathAndQuery: string): Promise<RawSocket> {
  const socket = net.connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let isUpgraded = false;
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise<RawSocket>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isUpgraded) return;
      const headerEnd = received.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const status = received.subarray(0, headerEnd).toString().split('\r\n')[0];
      if (!status.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${status}`));
      isUpgraded = true;
      received = received.subarray(headerEnd + 4);
      resolve({ socket, closeCode: (timeoutMs = 5000) => readCloseCode(() => received, ended, timeoutMs) });
    });
    socket.once('connect', () => {
      socket.write(
        `GET ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
  });
}

async function readCloseCode(
  received: () => Buffer,
  ended: Promise<void>,
  timeoutMs: number,
): Promise<number | 'no close frame' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([ended.then(() => 'ended' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') return outcome;
  return findCloseCode(received()) ?? 'no close frame';
}

/** Walks the server's (unmasked) frames and returns the code of the first close frame. */
function findCloseCode(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = bytes[offset] & 0x0f;
    let length = bytes[offset + 1] & 0x7f;
    let start = offset + 2;
    if (length === 126) [length, start] = [bytes.readUInt16BE(offset + 2), offset + 4];
    else if (length === 127) [length, start] = [Number(bytes.readBigUInt64BE(offset + 2)), offset + 10];
    if (opcode === 0x8) return length >= 2 ? bytes.readUInt16BE(start) : undefined;
    offset = start + length;
  }
  return undefined;
}
