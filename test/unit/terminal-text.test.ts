/** What the CLI prints of mail text: no escape sequence or control character reaches the terminal. */
import { describe, expect, it } from 'vitest';
import { terminalJson, terminalLine, terminalSafe, terminalText } from '../../shared/cli/terminal-text';

const ESC = '\u001b';
/** any C0/C1 control or DEL other than newline and tab */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminalText', () => {
  it.each([
    ['OSC 0: window title (BEL)', `до${ESC}]0;pwned${'\u0007'}после`, 'допосле'],
    ['OSC 52: clipboard write (ST)', `a${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=${ESC}\\b`, 'ab'],
    ['OSC 8: hyperlink', `${ESC}]8;;https://evil.example${ESC}\\ссылка${ESC}]8;;${ESC}\\`, 'ссылка'],
    ['CSI: clear screen and home', `x${ESC}[2J${ESC}[Hy`, 'xy'],
    ['CSI: colour and hide', `${ESC}[8mскрыто${ESC}[0m`, 'скрыто'],
    ['CSI with intermediates', `${ESC}[1 qz`, 'z'],
    ['8-bit CSI', 'a\u009b31mb', 'ab'],
    ['8-bit OSC ended by ST', 'a\u009d0;title\u009cb', 'ab'],
    ['DCS', `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, 'ab'],
    ['ESC c: full reset', `a${ESC}cb`, 'ab'],
    ['unterminated OSC stops at the end of the line', `a${ESC}]0;title\nвторая строка`, 'a\nвторая строка'],
    ['lone ESC at the end', `a${ESC}`, 'a'],
    ['carriage return, backspace, NUL, bell, DEL, other C1', 'a\rb\bc\u0000d\u0007e\u007ff\u0085g\u0090', 'abcdefg'],
    ['keeps newline, tab, Cyrillic and emoji', 'Проверено,\tошибок нет\n😀', 'Проверено,\tошибок нет\n😀'],
  ])('%s', (_name, input, expected) => {
    expect(terminalText(input)).toBe(expected);
    expect(terminalText(input)).not.toMatch(CONTROL);
  });

  it('terminalLine also turns line breaks and tabs into spaces', () => {
    expect(terminalLine(`Не печатается\nMG-1  open  fake row\t${ESC}[31m!`)).toBe('Не печатается MG-1  open  fake row !');
  });

  it('terminalSafe cleans every string of a value; text keeps its newlines', () => {
    const value = { summary: `S${ESC}]0;t\u0007`, history: [{ text: `a\n${ESC}[2Jb`, reason: 'r\nx' }], n: 3, none: null };
    expect(terminalSafe(value)).toEqual({ summary: 'S', history: [{ text: 'a\nb', reason: 'r x' }], n: 3, none: null });
  });

  it('terminalJson: the value is unchanged for a JSON reader, but no raw C1 or DEL is written', () => {
    const value = { summary: `a\u009b2Jb\u007f${ESC}]0;x\u0007`, name: 'Анна' };
    // JSON.stringify alone writes C1 and DEL raw
    expect(JSON.stringify(value)).toMatch(CONTROL);
    const json = terminalJson(value, 2);
    expect(json).not.toMatch(CONTROL);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('runs in time linear in its input (hostile shapes vs a plain scan of the same size)', () => {
    const size = 1024 * 1024;
    const shapes = [`${ESC}[`, `${ESC}]`, `${ESC}[1;`.padEnd(40, '1'), '\u009b', `${ESC}]0;${'x'.repeat(60)}\n`, 'a\u0000'];
    const plain = 'x'.repeat(size);
    const time = (f: () => unknown) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        f();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    // the baseline: one regex pass over text of the same size that finds a match at every character
    const baseline = Math.max(time(() => plain.replace(/x/g, 'y')), 1);
    for (const shape of shapes) {
      const hostile = shape.repeat(Math.ceil(size / shape.length));
      const took = time(() => terminalText(hostile));
      expect(took, `shape ${JSON.stringify(shape)}: ${took.toFixed(0)} ms vs baseline ${baseline.toFixed(0)} ms`).toBeLessThan(baseline * 20);
    }
  });
});
