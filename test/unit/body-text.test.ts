/**
 * Which alternative is read as the sender's text: the plain part, unless it only points at the
 * HTML one (a stub) or is empty. Through parseMail, on multipart/alternative mails built here.
 */
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../shared/mail/inbound/parse-mail';

const HTML =
  '<html><head><title>Уведомление</title></head><body><p>Добрый день!</p>' +
  '<p>Не печатается направление на анализы.</p><table><tr><td>Логин в системе</td><td>smirnova_a</td></tr></table></body></html>';
const FROM_HTML = 'Добрый день!\nНе печатается направление на анализы.\nЛогин в системе\tsmirnova_a';

function alternative(plain: string, html: string): Buffer {
  const part = (type: string, body: string): string =>
    `--b1\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
    `${Buffer.from(body, 'utf8').toString('base64')}\r\n`;
  return Buffer.from(
    'From: a.smirnova@clinic-north.example\r\nTo: clinic-north@support.example\r\nSubject: test\r\n' +
      'Message-ID: <alt-1@clinic-north.example>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n' +
      part('text/plain', plain) + part('text/html', html) + '--b1--\r\n',
  );
}

describe('the HTML part is read when the plain one is a stub', () => {
  it.each([
    ['ru, format and browser', 'Это письмо в формате HTML. Если оно отображается некорректно, откройте его в браузере:\nhttps://portal.example/v/1'],
    ['ru, web version and unsubscribe', 'Веб-версия письма: https://portal.example/v/1\n\nОтписаться от рассылки: https://portal.example/u'],
    ['en, newsletter', 'HTML newsletter could be read here:\n\nhttps://news.example/v/1\n\n========\n\nIf you want to unsubscribe click here:\n\nhttps://news.example/u'],
    ['en, client cannot show it', "This message is in HTML format. If your mail client doesn't display it, view it in your browser: <https://news.example/v/1>"],
    ['de', 'Falls diese E-Mail nicht korrekt dargestellt wird, öffnen Sie die Online-Version:\nhttps://news.example/v/1'],
    ['fr', "Si ce message ne s'affiche pas correctement, consultez la version en ligne : https://news.example/v/1"],
    ['a link alone', 'https://portal.example/v/1'],
    ['whitespace only', ' \r\n \r\n'],
  ])('%s', async (_case, plain) => {
    const mail = await parseMail(alternative(plain, HTML));
    expect(mail.text).toBe(FROM_HTML);
  });
});

describe('the plain part is kept when it says something of its own', () => {
  it.each([
    ['a request that mentions the browser', 'Не открывается карта пациента в браузере, ссылка:\nhttps://mis.example/card/1'],
    ['a request under a "view online" line', 'Если письмо отображается некорректно, откройте веб-версию.\n\nДобрый день! Не печатается направление.'],
    ['an English request about HTML reports', 'The HTML version of the monthly report is empty since Monday.'],
    ['plain text that differs from the HTML', 'Hallo Fritz,\n\nich möchte mich für den Beta-Test anmelden.'],
  ])('%s', async (_case, plain) => {
    const mail = await parseMail(alternative(plain, HTML));
    expect(mail.text).toBe(plain);
  });

  it('keeps a stub when the HTML says no more than it does', async () => {
    const stub = 'Это письмо в формате HTML. Откройте его в браузере: https://portal.example/v/1';
    const mail = await parseMail(alternative(stub, `<p>${stub}</p>`));
    expect(mail.text).toBe(stub);
  });
});
