/**
 * The protocol v1 integrity suffix: XOR of the byte values of `text` (one
 * char per byte, as decoded with latin1), as two uppercase hex digits.
 * `xorChecksum('B 7 5000')` is `'70'`; the checksummed line is `B 7 5000*70`.
 */
export function xorChecksum(text: string): string {
  let sum = 0;
  for (let index = 0; index < text.length; index += 1) {
    sum ^= text.charCodeAt(index) & 0xff;
  }
  return sum.toString(16).toUpperCase().padStart(2, '0');
}
