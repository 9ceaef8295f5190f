// Byte sizes as people write them: "500GB", "1.5 TiB", "750000000" (bytes). Decimal units are
// powers of 1000 (disk makers' GB), binary ones powers of 1024.
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/** Bytes `text` stands for, or a string saying why it does not parse. */
export function parseByteSize(text: string): number | string {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (match === null) return `must be a size like 500GB, 1.5TiB or a number of bytes, got ${JSON.stringify(text)}`;
  const unit = UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return `unknown unit ${JSON.stringify(match[2])} (B, KB, MB, GB, TB, PB or KiB ... PiB)`;
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) return `must be a positive size below 8 PiB, got ${JSON.stringify(text)}`;
  return bytes;
}

/** "1.5 GB" style, for people. */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return `${index === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[index]}`;
}
