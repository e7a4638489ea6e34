/**
 * Environment variables a function needs, checked once at cold start with a clear message. A plain
 * check, not zod: the stack sets these names, and zod's first schema costs ~10 ms of CPU in a fresh
 * process (its code compiled on first use), which is most of what the check cost at every cold start.
 */
export function requireEnv<K extends string>(names: readonly K[]): Record<K, string> {
  // Unset and empty alike name the variable.
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length) throw new Error(missing.map((n) => `environment variable ${n} is required`).join('; '));
  return Object.fromEntries(names.map((n) => [n, process.env[n]!])) as Record<K, string>;
}
