/**
 * Which alternative of a mail is the text the sender wrote. The plain part, as a rule: the
 * sender's client made it from the same message, and quotes and signatures read best in it.
 * The HTML part when the plain one says nothing of its own: empty, or a stub that only points
 * at the HTML ("письмо в формате HTML", "view it in your browser", a link, an unsubscribe line).
 * Information systems and mailing tools send such stubs with the real text, fields included,
 * in the HTML only.
 */
import { htmlToText } from './html-to-text';

/** A stub says only this much: a few short lines (links aside). */
const STUB_MAX_LINES = 6;
const STUB_MAX_CHARS = 400;

/** Lines that carry no words: a link alone, a rule. */
const URL_LINE = /^\s*<?(?:https?:\/\/|www\.)\S+>?\s*$/i;
const RULE_LINE = /^[\s=_*~.#-]*$/;

/**
 * What a stub line says, per language: the message is HTML, open it in a browser or online,
 * it may look wrong here, unsubscribe. Every line left must say one of these.
 */
const STUB_PHRASES: readonly RegExp[] = [
  // en
  /\b(?:this|the) (?:message|e-?mail|newsletter|letter)\b.{0,30}\bhtml\b/i,
  /\bhtml\b.{0,30}\b(?:newsletter|e-?mail|message)\b.{0,40}\b(?:read|view|see|open)\b/i,
  /\b(?:view|read|open|see)\b.{0,50}\b(?:browser|online)\b/i,
  /\b(?:display|displayed|show|shown)\s+(?:correctly|properly)\b/i,
  /\bunsubscribe\b/i,
  // ru
  /(?<![а-яё])(?:это|данное)\s+(?:письмо|сообщение)\s+(?:в\s+формате|содержит|в)\s+html/i,
  /(?:откро|открой|открыть|просмотр|посмотр|смотрите|перейдите|читайте|прочт).{0,50}(?:браузер|веб-верси|онлайн)/i,
  /(?<![а-яё])(?:веб|онлайн|web)[- ]верси\S*\s+(?:письма|сообщения|рассылки)/i,
  /(?<![а-яё])отображается\s+(?:некорректно|неправильно|неверно)/i,
  /(?<![а-яё])(?:отписаться|отказаться от (?:рассылки|уведомлений))/i,
  // de
  /\b(?:online|web|browser)-?version\b.{0,60}\b(?:öffnen|ansehen|anzeigen|klicken|lesen)/i,
  /\b(?:öffnen|ansehen|anzeigen|klicken|lesen)\b.{0,60}\b(?:online|web|browser)-?version\b/i,
  /\bim (?:web)?browser\b/i,
  /\b(?:nicht|richtig|korrekt)\b.{0,30}\bdargestellt\b/i,
  /\b(?:abbestellen|abmelden)\b/i,
  // fr
  /\b(?:version en ligne|navigateur|ne s['’]affiche pas|désinscri\S*|désabonne\S*)/i,
];

/** Is the plain part only a pointer to the HTML one? */
function isStub(plain: string): boolean {
  const lines = plain
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !URL_LINE.test(line) && !RULE_LINE.test(line));
  if (lines.length > STUB_MAX_LINES) return false;
  const words = lines.join(' ');
  if (words.length > STUB_MAX_CHARS) return false;
  return lines.every((line) => STUB_PHRASES.some((phrase) => phrase.test(line)));
}

/** Letters and digits only: what a text says, whatever its layout. */
const said = (text: string): string => text.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

export function bodyText(plain: string, html: string | null): string {
  if (html === null) return plain;
  if (plain.trim() === '') return htmlToText(html);
  // A stub is short: a long plain part is kept without rendering the HTML.
  if (plain.length > 10_000 || !isStub(plain)) return plain;
  const rendered = htmlToText(html);
  // The HTML must say something the stub does not (not the same stub again, not an empty page).
  const inHtml = said(rendered);
  return inHtml !== '' && !said(plain).includes(inHtml) ? rendered : plain;
}
