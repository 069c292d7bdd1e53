/** The most of any upstream answer (gateway or Login with Amazon) the relay reads. */
export const UPSTREAM_BODY_LIMIT_BYTES = 64 * 1024;

/** A body source as undici gives it: async-iterable chunks that can be destroyed. */
export type BodySource = AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown };

export type CappedText = { text: string; truncated: boolean; bytes: number };

/**
 * Reads at most `limitBytes` of `body` as UTF-8 text. Past the limit the body is destroyed (undici
 * then drops the connection rather than reuse it) and `truncated` is true: an endless or huge
 * answer costs at most the limit plus one chunk.
 */
export async function readCappedText(
  body: BodySource,
  limitBytes: number = UPSTREAM_BODY_LIMIT_BYTES,
): Promise<CappedText> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    const room = limitBytes - bytes;
    if (chunk.byteLength > room) {
      chunks.push(chunk.subarray(0, Math.max(0, room)));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true, bytes: limitBytes };
    }
    chunks.push(chunk);
    bytes += chunk.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false, bytes };
}
