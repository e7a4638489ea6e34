/** The TCP sockets listening on this host, read from /proc/net/tcp{,6} (Linux), to check who can reach a port. */
import { readFileSync } from 'node:fs';

export interface ListeningSocket {
  address: string;
  port: number;
  loopback: boolean;
}

const LISTEN = '0A';

/** /proc writes each 32-bit word of an address in host (little-endian) byte order. */
function wordBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  return bytes;
}

function decode(hex: string): { address: string; loopback: boolean } {
  const bytes = wordBytes(hex);
  if (bytes.length === 4) return { address: bytes.join('.'), loopback: bytes[0] === 127 };
  const v4mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (v4mapped) return { address: `::ffff:${bytes.slice(12).join('.')}`, loopback: bytes[12] === 127 };
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const address = groups.join(':');
  return { address, loopback: address === '0:0:0:0:0:0:0:1' };
}

export function listeningSockets(): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 on this host
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':') as [string, string];
      sockets.push({ ...decode(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

export const listenersOn = (port: number) => listeningSockets().filter((s) => s.port === port);
