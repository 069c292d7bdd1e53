const DEFAULT_MAX_CHARS = 40;

/**
 * Quotes untrusted line content for an error message: printable ASCII as is,
 * everything else as `\xHH` (or `\u{...}` above 0xFF), cut after `maxChars`
 * characters with a note of how many were left out. Never echoes a long line
 * back whole.
 */
export function describeInput(text: string, maxChars = DEFAULT_MAX_CHARS): string {
  const shown = text.length > maxChars ? text.slice(0, maxChars) : text;
  let escaped = '';
  for (const char of shown) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') escaped += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) escaped += char;
    else if (code <= 0xff) escaped += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else escaped += `\\u{${code.toString(16).toUpperCase()}}`;
  }
  const rest = text.length - shown.length;
  return rest > 0 ? `"${escaped}"... (${rest} more characters)` : `"${escaped}"`;
}
