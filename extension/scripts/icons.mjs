// Draws the toolbar icons (a white drop on arXiv red) as PNGs: `node scripts/icons.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => (buf.reduce((c, b) => CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGBA of pixel (x, y) in a unit square: rounded red square, white drop (circle + triangle). */
function pixel(u, v) {
  const corner = 0.18;
  const dx = Math.max(corner - u, 0, u - (1 - corner));
  const dy = Math.max(corner - v, 0, v - (1 - corner));
  if (dx * dx + dy * dy > corner * corner) return [0, 0, 0, 0];
  const inCircle = (u - 0.5) ** 2 + (v - 0.6) ** 2 < 0.22 ** 2;
  const inTip = v > 0.15 && v < 0.6 && Math.abs(u - 0.5) < (v - 0.15) * 0.48;
  return inCircle || inTip ? [255, 255, 255, 255] : [179, 27, 27, 255];
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = [0];
    for (let x = 0; x < size; x += 1) row.push(...pixel((x + 0.5) / size, (y + 0.5) / size));
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`../icons/icon-${size}.png`, import.meta.url), png(size));
