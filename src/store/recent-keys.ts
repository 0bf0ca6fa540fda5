/**
 * Keys of events this process archived in the last hour, at most 200,000: each is certainly in the
 * archive (retention keeps events for days), so a repeat is answered as a duplicate without a write.
 */
export function createRecentKeys(maxKeys = 200_000, maxAgeMs = 3_600_000) {
  const stored = new Map<string, number>();
  return {
    has(key: string): boolean {
      const at = stored.get(key);
      return at !== undefined && Date.now() - at < maxAgeMs;
    },
    /** Real time, not a test clock: what matters is how long ago the archive really got it. */
    add(key: string): void {
      stored.delete(key);
      stored.set(key, Date.now());
      // A Map iterates in insertion order: the first key is the oldest.
      if (stored.size > maxKeys) stored.delete(stored.keys().next().value as string);
    },
  };
}
