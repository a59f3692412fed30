// Where UTF-8 text goes wrong, for errors that name the byte (log lines, experience files).

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629 §4: no
 * overlongs, no surrogates, nothing above U+10FFFF), or -1 when `b` is well formed. With
 * `allowCutEnd`, a sequence that is only incomplete because `b` ends is accepted (a torn write).
 */
export function invalidUtf8At(b: Uint8Array, allowCutEnd: boolean): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (RFC 3629 §4).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return allowCutEnd ? -1 : i;
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : (d & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return -1;
}
