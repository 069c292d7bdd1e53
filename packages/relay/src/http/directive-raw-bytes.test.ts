import { SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import { discoverDirective, HARNESS_DIRECTIVE_SECRET, startHttpHarness } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const nowS = (): number => Math.floor(Date.now() / 1000);

/**
 * Bodies whose decoded text differs from their bytes: a byte that is not UTF-8 (decoding makes
 * it U+FFFD, three other bytes), and a UTF-8 byte order mark in front of the JSON.
 */
function bodies(): [string, Buffer][] {
  const json = JSON.stringify({ ...discoverDirective(), note: 'MARK' });
  const [before, after] = json.split('MARK') as [string, string];
  return [
    [
      'a byte that is not UTF-8',
      Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]),
    ],
    ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])],
  ];
}

describe('POST /alexa/directive: the signature covers the raw bytes', () => {
  it.each(bodies())(
    'with %s: a signature over the bytes is accepted, one over the decoded text is not',
    async (_what, bytes) => {
      const h = await startHttpHarness();
      const post = (signature: string) =>
        h.app.inject({
          method: 'POST',
          url: '/alexa/directive',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
          payload: bytes,
        });
      const overBytes = await post(signDirective(HARNESS_DIRECTIVE_SECRET, bytes, nowS()));
      expect(overBytes.statusCode).toBe(200);
      expect(overBytes.json().event.header.name).toBe('Discover.Response');
      // What a server that decodes first would check: the text (U+FFFD for the bad byte, and
      // without the mark where the decoder drops it).
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      expect(Buffer.from(text).equals(bytes)).toBe(false);
      const overText = await post(signDirective(HARNESS_DIRECTIVE_SECRET, text, nowS() - 1));
      expect(overText.statusCode).toBe(401);
      expect(overText.json().code).toBe('ERR_SIGNATURE_MISMATCH');
    },
  );
});
