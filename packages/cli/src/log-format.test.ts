import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, formatLogLine, prettyLogDestination } from './log-format.js';

describe('pretty logs for a terminal', () => {
  it('turns a pino JSON line into time, level, component, message and fields', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    const line = JSON.stringify({
      level: 40,
      time,
      pid: 1,
      hostname: 'h',
      component: 'relay',
      msg: 'gateway answered 503',
      eventId: 'Button.SinglePush.1',
      attempt: 2,
      detail: 'try later',
    });
    expect(formatLogLine(line)).toBe(
      '03:04:05.067 WARN  relay: gateway answered 503 eventId=Button.SinglePush.1 attempt=2 detail="try later"',
    );
    expect(formatLogLine('not json')).toBe('not json');
  });

  it('formats what a real pino logger writes, line by line, redaction kept', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const logger = pino({ level: 'info', redact: ['secret'] }, prettyLogDestination(out));
    logger.info({ secret: 'hunter2-hunter2' }, 'started');
    logger.error('stopped');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}started secret=\[Redacted\]$/);
    expect(lines[1]).toMatch(/ ERROR stopped$/);
    expect(text).not.toContain('hunter2');
  });

  it('is pretty on a terminal and JSON otherwise, unless --log-format says', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    expect(chooseLogFormat(undefined, terminal)).toBe('pretty');
    expect(chooseLogFormat(undefined, pipe)).toBe('json');
    expect(chooseLogFormat('json', terminal)).toBe('json');
    expect(chooseLogFormat('pretty', pipe)).toBe('pretty');
  });
});
