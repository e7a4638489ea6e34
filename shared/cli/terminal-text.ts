/**
 * Text that came from mail, made safe for the operator's terminal. Subjects, names, comments,
 * filenames and reasons may carry escape sequences (OSC 0 sets the window title, OSC 52 writes the
 * clipboard, CSI moves the cursor and paints over what was printed): printed raw, they act on the
 * terminal. Every CLI output path passes mail text through here.
 */

/**
 * Whole sequences first (so no "]0;title" remains): CSI (ESC [ or 8-bit 0x9B) with its parameters
 * and final byte; string sequences OSC/DCS/SOS/PM/APC (ESC ] P X ^ _ or 8-bit) up to their
 * terminator (BEL, ESC \ or ST) or the end of the line; any other ESC with intermediates and final.
 * Then every other C0/C1 control and DEL, except newline and tab.
 * Linear: each alternative starts at a control character, and no repeated class in it contains
 * the character that starts another, so no stretch of text is scanned twice.
 */
// One alternation, written a branch a line (the joined source is the single regex it was).
const UNSAFE = new RegExp(
  [
    /\u001b\[[0-?]*[ -/]*[@-~]?/,
    /\u009b[0-?]*[ -/]*[@-~]?/,
    /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?/,
    /\u001b[ -/]*[0-~]?/,
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/,
  ]
    .map((branch) => branch.source)
    .join('|'),
  'g',
);

/** Mail text for the terminal: control characters and escape sequences removed; newlines and tabs kept. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, '');
}

/**
 * A one-line field (summary, name, address, filename, reason): as terminalText, and line breaks and tabs become spaces.
 */
export function terminalLine(text: string): string {
  return terminalText(text).replace(/[\n\t]/g, ' ');
}

/**
 * A copy of a value with every string made terminal-safe: one line each, except under the keys
 * named in `multiLine` (a comment's text), which keep their newlines.
 */
export function terminalSafe<T>(value: T, multiLine: ReadonlySet<string> = new Set(['text'])): T {
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return key !== null && multiLine.has(key) ? terminalText(v) : terminalLine(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    // plain objects only: a Date or a Buffer stays as it is
    if (v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)))
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value, null) as T;
}

/**
 * JSON for the terminal. JSON.stringify escapes C0 (ESC becomes \u001b) but writes DEL and the C1
 * controls (0x80-0x9F, 0x9B is an 8-bit CSI) raw: those are escaped too. The value is unchanged for
 * a JSON reader; such characters only ever occur inside strings, so the result stays valid JSON.
 */
export function terminalJson(value: unknown, space?: number): string {
  return terminalJsonLine(JSON.stringify(value, null, space));
}

/** JSON text already made (a log line): DEL and C1 controls escaped as terminalJson does. */
export function terminalJsonLine(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
