/** Bytes in a Docker-style memory size: `512m`, `2g`, `1024k`, `1000b`, or plain bytes. */
export function parseMemory(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([bkmg]?)$/i.exec(text.trim());
  if (!m) throw new Error(`Invalid memory size: ${text}`);
  const scale = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * scale);
}
