// Small helpers shared by the k6 scripts (k6 has neither without remote imports).
import crypto from 'k6/crypto';

// UUIDv4 from 16 random bytes.
export function uuidv4() {
  const bytes = new Uint8Array(crypto.randomBytes(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Decimal rounding on the number's shortest text, like big.js (half up), so
// that e.g. 0.195 rounds to 0.2 rather than 0.19 through binary noise.
export function roundTo(value, places) {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  let text = String(Math.abs(value));
  if (text.includes('e')) text = Math.abs(value).toFixed(20); // tiny/huge: plain digits
  const shifted = Number(`${text}e${places}`);
  return (sign * Math.round(shifted)) / 10 ** places;
}
