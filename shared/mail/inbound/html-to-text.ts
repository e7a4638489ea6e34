/**
 * HTML -> text. What matters is that lines, table cells and quoting survive, so that template
 * fields and reply history can be read from HTML-only (Outlook) mail. htmlparser2's Tokenizer
 * reads the markup and decodes entities (the full HTML5 table) in one linear pass; its Parser
 * is not used: it keeps a stack of open elements with unshift/indexOf, quadratic on 1 MB of
 * `<div>`. The renderer below needs no stack, only counters.
 */
import { Tokenizer } from 'htmlparser2';
import type { TokenizerCallbacks } from 'htmlparser2';

const BLOCK_TAGS = new Set(
  (
    'p div tr table tbody thead tfoot ul ol li h1 h2 h3 h4 h5 h6 pre section article header footer address ' +
    'dl dt dd form center caption figure main nav aside fieldset'
  ).split(' '),
);
/** Elements whose content is not text for a reader; each becomes one space. */
const DROP_TAGS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'xml', 'svg', 'object']);
/** Deeper `<blockquote>` nesting is shown at this depth: keeps the "> " prefixes (and the output) linear. */
const MAX_QUOTE_DEPTH = 30;
/** Entities rendered as nothing or as a plain space, as the desk always rendered them. */
const ENTITY_OVERRIDES = new Map<number, string>([
  [0xad, ''],
  [0x200c, ''],
  [0x200d, ''],
  [0x2002, ' '],
  [0x2003, ' '],
  [0x2009, ' '],
]);
const RULE = '________________________________';

const ignore = (): void => undefined;
const IGNORE_TOKENS: TokenizerCallbacks = {
  onattribdata: ignore,
  onattribentity: ignore,
  onattribend: ignore,
  onattribname: ignore,
  oncdata: ignore,
  onclosetag: ignore,
  oncomment: ignore,
  ondeclaration: ignore,
  onend: ignore,
  onopentagend: ignore,
  onopentagname: ignore,
  onprocessinginstruction: ignore,
  onselfclosingtag: ignore,
  ontext: ignore,
  ontextentity: ignore,
};

/**
 * Renders HTML as plain text: script/style dropped, block tags and <br> become line breaks,
 * table cells are separated by a tab (so "label<td>value" reads like "label\tvalue"),
 * <blockquote> lines get "> " prefixes and <hr> becomes Outlook's underscore rule, so the
 * reply reader sees the same shapes it sees in plain-text mail.
 */
export function htmlToText(html: string): string {
  const s = html.length > 5_000_000 ? html.slice(0, 5_000_000) : html;
  const lines: string[] = [];
  // The current line as pieces plus its last character: appending to one long string and
  // reading its end would flatten it every time (quadratic on hostile HTML).
  let pieces: string[] = [];
  let lastChar = '';
  let currentDepth = 0;
  let depth = 0;
  let pre = 0;
  let cellInRow = 0;
  let inCell = 0;
  const quote = (d: number): string => '> '.repeat(Math.min(d, MAX_QUOTE_DEPTH));
  const isEmpty = (): boolean => pieces.length === 0;
  const endsWithSpace = (): boolean => lastChar === ' ' || lastChar === '\t' || lastChar === '\u00a0';
  const flush = (force: boolean): void => {
    if (isEmpty() && !force) return;
    let line = pieces.join('');
    if (line.includes('\u00a0')) line = line.replace(/\u00a0/g, ' ');
    line = line.trimEnd();
    if (line.startsWith(' ')) line = line.replace(/^ +/, '');
    lines.push(quote(currentDepth) + line);
    pieces = [];
    lastChar = '';
  };
  const append = (text: string): void => {
    if (!text) return;
    if (isEmpty()) currentDepth = depth;
    pieces.push(text);
    lastChar = text[text.length - 1]!;
  };

  // Text arrives in pieces (around entities); it is rendered as one run at the next tag.
  let pending: string[] = [];
  const renderText = (): void => {
    if (pending.length === 0) return;
    const raw = pending.join('');
    pending = [];
    if (pre > 0) {
      raw.split(/\r?\n/).forEach((part, i) => {
        if (i > 0) flush(true);
        if (part) append(part);
      });
      return;
    }
    // Source whitespace is layout, not content; &nbsp; is content and survives as \u00a0.
    let text = /[\t\r\n]| {2}/.test(raw) ? raw.replace(/[\t\r\n ]+/g, ' ') : raw;
    if (text.startsWith(' ') && (isEmpty() || endsWithSpace())) text = text.slice(1);
    append(text);
  };

  const open = (name: string, id: string): void => {
    if (name === 'br' && inCell === 0) {
      flush(true);
    } else if (name === 'hr') {
      flush(false);
      lines.push(quote(depth) + RULE);
    } else if (name === 'blockquote') {
      flush(false);
      depth++;
    } else if (name === 'td' || name === 'th') {
      if (pieces.at(-1) === ' ') pieces.pop();
      if (cellInRow > 0) append('\t');
      cellInRow++;
      inCell++;
    } else if (name === 'tr' || name === 'table') {
      flush(false);
      cellInRow = 0;
      inCell = 0;
    } else if (inCell > 0 && (name === 'br' || BLOCK_TAGS.has(name))) {
      // Outlook wraps every cell's text in <p>: inside a cell a block is a space, not a line.
      if (!isEmpty() && !endsWithSpace()) append(' ');
    } else if (name === 'li') {
      flush(false);
      append('- ');
    } else if (name === 'pre') {
      flush(false);
      pre++;
    } else if (name === 'div' && /^(?:x_)?Signature\b/.test(id)) {
      // Outlook's signature block carries no "-- " of its own: add it so the reply reader can cut there.
      flush(false);
      lines.push(`${quote(depth)}-- `);
    } else if (name === 'div' && /^(?:x_)?divRplyFwdMsg/i.test(id)) {
      // Outlook's reply header block: make sure it starts on its own line after a rule.
      flush(false);
      if (lines.at(-1) !== RULE) lines.push(quote(depth) + RULE);
    } else if (BLOCK_TAGS.has(name)) {
      flush(false);
    }
  };
  const close = (name: string): void => {
    if (name === 'br' && inCell === 0) flush(true);
    else if (name === 'blockquote') {
      flush(false);
      depth = Math.max(0, depth - 1);
    } else if (name === 'td' || name === 'th') inCell = Math.max(0, inCell - 1);
    else if (name === 'tr' || name === 'table') {
      flush(false);
      cellInRow = 0;
      inCell = 0;
    } else if (inCell > 0 && (name === 'br' || BLOCK_TAGS.has(name))) {
      if (!isEmpty() && !endsWithSpace()) append(' ');
    } else if (name === 'pre') {
      flush(false);
      pre = Math.max(0, pre - 1);
    } else if (BLOCK_TAGS.has(name)) flush(false);
  };

  // Tag being read: its name and, for <div>, its id (Outlook marks signature and reply header by id).
  let tag = '';
  let attribute = '';
  let id: string[] = [];
  // Inside script/style/head...: everything up to the element's own end tag is skipped.
  let dropping = '';
  const name = (start: number, end: number): string => s.slice(start, end).toLowerCase();
  const openTagEnd = (): void => {
    const opened = tag;
    tag = '';
    if (dropping || !opened) return;
    if (DROP_TAGS.has(opened)) {
      dropping = opened;
      pending.push(' ');
      return;
    }
    renderText();
    open(opened, id.join(''));
  };
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ...IGNORE_TOKENS,
      ontext: (start, end) => {
        if (!dropping) pending.push(s.slice(start, end));
      },
      ontextentity: (codePoint) => {
        if (!dropping) pending.push(ENTITY_OVERRIDES.get(codePoint) ?? String.fromCodePoint(codePoint));
      },
      onopentagname: (start, end) => {
        tag = name(start, end);
        attribute = '';
        id = [];
      },
      onattribname: (start, end) => {
        attribute = tag === 'div' && end - start === 2 ? name(start, end) : '';
      },
      onattribdata: (start, end) => {
        if (attribute === 'id' && id.length < 8) id.push(s.slice(start, Math.min(end, start + 100)));
      },
      onattribend: () => {
        attribute = '';
      },
      onopentagend: openTagEnd,
      onselfclosingtag: openTagEnd,
      onclosetag: (start, end) => {
        const closed = name(start, end);
        if (dropping) {
          if (closed === dropping) dropping = '';
          return;
        }
        renderText();
        close(closed);
      },
    },
  );
  tokenizer.write(s);
  tokenizer.end();
  renderText();
  flush(false);
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
