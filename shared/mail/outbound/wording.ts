/** The wording tables by language: letters ask `wordsOf(lang)` and never write a word themselves. */
import { en } from './wording-en';
import { ru, type Wording } from './wording-ru';

export type { Wording };
export type Language = 'ru' | 'en';

const tables: Record<Language, Wording> = { ru, en };

export const wordsOf = (lang: Language): Wording => tables[lang];
