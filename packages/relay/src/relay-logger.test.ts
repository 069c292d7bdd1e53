import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRelayLogger, REDACT_PATHS } from './relay-logger.js';

const SECRET = 'Atza|secret-value';

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createRelayLogger(stream, 'debug');
  const last = (): Record<string, unknown> => JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
  return { logger, lines, last };
}

/** `{a: {b: SECRET}}` for `a.b`; a wildcard segment becomes a made-up key. */
function objectAt(path: string): Record<string, unknown> {
  const segments = [...path.matchAll(/[^.[\]]+|\["([^"]*)"\]/g)].map((m) => m[1] ?? m[0]);
  let value: unknown = SECRET;
  for (const segment of segments.reverse()) value = { [segment === '*' ? 'someField' : segment]: value };
  return value as Record<string, unknown>;
}

describe('createRelayLogger redaction', () => {
  it('censors every REDACT_PATHS field, leaves the others and never changes the logged object', () => {
    const { logger, lines, last } = memoryLogger();
    for (const path of REDACT_PATHS) {
      const object = { ...objectAt(path), kept: 'visible', count: 3 };
      const before = JSON.stringify(object);
      logger.info(object, 'line');
      expect(lines.at(-1), path).not.toContain(SECRET);
      expect(lines.at(-1), path).toContain('[redacted]');
      expect(last(), path).toMatchObject({ kept: 'visible', count: 3, msg: 'line' });
      expect(JSON.stringify(object), path).toBe(before);
    }
  });

  it('censors objects put into the message with %j and %o', () => {
    const { logger, lines } = memoryLogger();
    const object = { token: SECRET, kept: 'visible' };
    logger.info('sent %j', object);
    logger.info({ n: 1 }, 'sent %o', object);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).toContain('visible');
    }
    expect(object.token).toBe(SECRET);
  });

  it('censors child bindings at any depth of children', () => {
    const { logger, lines } = memoryLogger();
    logger
      .child({ component: 'a' })
      .child({ token: SECRET, x: { secret: SECRET } })
      .info('child');
    expect(lines.at(-1)).not.toContain(SECRET);
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ component: 'a', token: '[redacted]' });
  });

  it('keeps an error an error (type, message, stack, cause) when a field in it is censored', () => {
    const { logger, last } = memoryLogger();
    const error = Object.assign(new TypeError('boom', { cause: new Error('inner') }), {
      accessToken: SECRET,
      code: 'ERR_X',
    });
    logger.error({ err: error }, 'failed');
    expect(last().err).toMatchObject({
      type: 'TypeError',
      message: expect.stringContaining('boom'),
      accessToken: '[redacted]',
      code: 'ERR_X',
    });
    expect(String((last().err as { stack?: unknown }).stack)).toContain('boom');
    expect(JSON.stringify(last())).toContain('inner');
    expect(error.accessToken).toBe(SECRET);
  });

  it('writes a line without secrets unchanged', () => {
    const { logger, last } = memoryLogger();
    const fields = { endpointId: 'e', outcome: 'delivered', status: 202, nested: { a: [1, { b: 2 }] } };
    logger.info(fields, 'event delivered');
    expect(last()).toMatchObject({ ...fields, msg: 'event delivered' });
  });
});
