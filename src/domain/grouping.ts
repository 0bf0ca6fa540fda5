/**
 * Adds `item` to the list `map` holds under `key`, in place: spreading a copy per item instead makes
 * grouping a batch of 10,000 events quadratic (and most of the garbage the collector then sweeps).
 */
export function appendTo<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
