/** Environment variables a function needs, checked once at cold start with a clear message. */
import { z } from 'zod';

export function requireEnv<K extends string>(names: readonly K[]): Record<K, string> {
  // Unset and empty alike name the variable (zod's own message for an unset one does not).
  const required = (n: string) => `environment variable ${n} is required`;
  const variable = (n: string) => z.string({ error: required(n) }).min(1, required(n));
  const shape = Object.fromEntries(names.map((n) => [n, variable(n)])) as Record<K, z.ZodString>;
  const result = z.object(shape).safeParse(process.env);
  if (!result.success) throw new Error(result.error.issues.map((i) => i.message).join('; '));
  return result.data as Record<K, string>;
}
