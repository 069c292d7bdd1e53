const DEFAULT_MAX_CHARS = 48;

/**
 * Quotes a line from the device for a report: printable ASCII as is, `"` and
 * `\` escaped, every other byte as `\xHH`, cut after `maxChars` with a note of
 * how much was left out. A report never echoes a long line back whole.
 */
export function quoteLine(text: string, maxChars = DEFAULT_MAX_CHARS): string {
  const shown = text.slice(0, maxChars);
  let escaped = '';
  for (let index = 0; index < shown.length; index += 1) {
    const char = shown.charAt(index);
    const code = shown.charCodeAt(index);
    if (char === '"' || char === '\\') escaped += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) escaped += char;
    else escaped += `\\x${(code & 0xff).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  const rest = text.length - shown.length;
  return rest > 0 ? `"${escaped}"... (+${rest} bytes)` : `"${escaped}"`;
}
