/**
 * Results kept by key for a hot path that computes the same few again and again (an event's letters repeat the
 * tenant's From, the requester, the deadlines); forgotten all at once when `limit` are kept, so memory stays bounded.
 */
export function keptResults<V>(limit: number): (key: string, compute: () => V) => V {
  const kept = new Map<string, V>();
  return (key, compute) => {
    if (kept.has(key)) return kept.get(key) as V;
    const value = compute();
    if (kept.size >= limit) kept.clear();
    kept.set(key, value);
    return value;
  };
}
