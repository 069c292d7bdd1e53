import { describe, expect, it } from 'vitest';
import {
  formatScriptProblems,
  LONG_PRESS_HOLD_MS,
  parseDuration,
  parseScript,
  parseStep,
  SHORT_PRESS_MS,
} from './script.js';

describe('parseScript', () => {
  it('reads every kind of step, skipping blanks and comments, keeping line numbers', () => {
    const text = [
      '# demo: two buttons',
      'press 1 90ms',
      '',
      'wait 400ms   # let the double window close',
      'double 2',
      'long 1',
      '  hold 2 1.5s',
      'single 3',
      'press 4',
      'log hello # not a comment here',
      'raw E 1 2 3 D*00',
      'hello',
      'WAIT 2s',
    ].join('\n');
    const result = parseScript(text);
    if (!result.ok) throw new Error(formatScriptProblems('s', result.problems));
    expect(result.steps.map(({ line, step }) => [line, step])).toEqual([
      [2, { kind: 'press', button: 1, holdMs: 90 }],
      [4, { kind: 'wait', ms: 400 }],
      [5, { kind: 'double', button: 2 }],
      [6, { kind: 'press', button: 1, holdMs: LONG_PRESS_HOLD_MS }],
      [7, { kind: 'press', button: 2, holdMs: 1500 }],
      [8, { kind: 'press', button: 3, holdMs: SHORT_PRESS_MS }],
      [9, { kind: 'press', button: 4, holdMs: SHORT_PRESS_MS }],
      [10, { kind: 'log', text: 'hello # not a comment here' }],
      [11, { kind: 'raw', text: 'E 1 2 3 D*00' }],
      [12, { kind: 'hello' }],
      [13, { kind: 'wait', ms: 2000 }],
    ]);
    expect(result.steps[4]?.text).toBe('hold 2 1.5s');
  });

  it('reports every bad line with its number and what was expected', () => {
    const text = [
      'press 1', // 1 fine
      'prss 1', // 2
      'press 17', // 3
      'wait 400', // 4
      'hold 2', // 5
      'double', // 6
      'press 1 0ms', // 7
      'wait 2h', // 8
      'hello now', // 9
      'long 1 2s', // 10
      '# done',
    ].join('\r\n');
    const result = parseScript(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const message = (line: number) => result.problems.find((problem) => problem.line === line)?.message;
    expect(message(2)).toMatch(/unknown step "prss": expected one of press, single, double/);
    expect(message(3)).toBe('expected a button number 1..16, got "17"');
    expect(message(4)).toBe('expected a duration with its unit like 90ms or 1.5s, got "400"');
    expect(message(5)).toBe('"hold" expects hold <button> <duration>, got "2"');
    expect(message(6)).toBe('"double" expects double <button>, got nothing');
    expect(message(7)).toMatch(/at least 1ms, got "0ms"/);
    expect(message(8)).toMatch(/got "2h"/);
    expect(message(9)).toMatch(/"hello" expects hello, got "now"/);
    expect(message(10)).toMatch(/"long" expects long <button>, got "1 2s"/);
    expect(formatScriptProblems('demo.txt', result.problems).split('\n')[0]).toBe(
      'demo.txt:2: unknown step "prss": expected one of press, single, double, long, hold, wait, log, raw, hello (e.g. "press 1 90ms")',
    );
  });

  it("names a button above the remote's count", () => {
    expect(parseScript('press 2\ndouble 3\nwait 1s', { buttons: 2 })).toEqual({
      ok: false,
      problems: [{ line: 2, message: "button 3 is above this remote's 2 buttons: pass --buttons 3 or more" }],
    });
    expect(parseScript('double 3', { buttons: 3 }).ok).toBe(true);
  });

  it('treats an empty script as no steps', () => {
    expect(parseScript('# nothing\n\n')).toEqual({ ok: true, steps: [] });
  });
});

describe('parseStep and parseDuration', () => {
  it('parses one interactive command', () => {
    expect(parseStep('double 2')).toEqual({ ok: true, step: { kind: 'double', button: 2 } });
    expect(parseStep('   ')).toEqual({ ok: true, step: undefined });
    expect(parseStep('jump').ok).toBe(false);
  });

  it('converts units and rounds to whole milliseconds', () => {
    expect(parseDuration('90ms')).toBe(90);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.0004s')).toBe(0);
    expect(parseDuration('3600s')).toBe(3_600_000);
    expect(parseDuration('3601s')).toMatch(/at most 1 hour/);
    expect(parseDuration('-5ms')).toMatch(/expected a duration/);
    expect(parseDuration('5 ms')).toMatch(/expected a duration/);
  });
});
