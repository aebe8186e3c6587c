import { randomBytes } from 'node:crypto';

/**
 * RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then random bits, as the real API gives
 * resource ids and X-Request-Id values (time-ordered, so ids sort by creation).
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  const ms = BigInt(Math.floor(nowMs));
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
