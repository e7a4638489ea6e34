/** Counting words: Russian plural forms and numbers written the way each language writes them. */

/** Russian plural: one (1, 21), few (2-4, 22-24), many (0, 5-20, 25...); a fraction takes `few` ("0,5 часа"). */
export function ruPlural(n: number, one: string, few: string, many: string): string {
  if (!Number.isInteger(n)) return few;
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** "1,5" in Russian, "1.5" in English. */
export const ruNumber = (n: number) => String(n).replace('.', ',');
