/** Environment variables a function needs, checked once at cold start with a clear message. */
import { z } from 'zod';

export function requireEnv<K extends string>(names: readonly K[]): Record<K, string> {
  const shape = Object.fromEntries(names.map((n) => [n, z.string().min(1, `environment variable ${n} is required`)])) as Record<K, z.ZodString>;
  const result = z.object(shape).safeParse(process.env);
  if (!result.success) throw new Error(result.error.issues.map((i) => i.message).join('; '));
  return result.data as Record<K, string>;
}
