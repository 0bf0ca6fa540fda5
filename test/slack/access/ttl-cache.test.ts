import { createTtlCache } from '../../../src/slack/access/ttl-cache';

describe('the TTL cache', () => {
  let now = 0;
  const loads: string[] = [];
  const load =
    (key: string, value = key) =>
    async () => {
      loads.push(key);
      return value;
    };
  beforeEach(() => {
    now = 0;
    loads.length = 0;
  });

  it('keeps a value until its time is up, then loads it again', async () => {
    const cache = createTtlCache<string>({ ttlMs: 100, maxEntries: 10, now: () => now });
    expect(await cache.get('a', load('a', 'first'))).toBe('first');
    now = 99;
    expect(await cache.get('a', load('a', 'second'))).toBe('first');
    now = 100;
    expect(await cache.get('a', load('a', 'third'))).toBe('third');
    expect(loads).toEqual(['a', 'a']);
  });

  it('shares one load between concurrent gets, and forgets a failed one', async () => {
    const cache = createTtlCache<string>({ ttlMs: 100, maxEntries: 10, now: () => now });
    await Promise.all([cache.get('a', load('a')), cache.get('a', load('a'))]);
    expect(loads).toEqual(['a']);
    await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('b', load('b', 'up'))).toBe('up');
  });

  it('drops the oldest entries past its size', async () => {
    const cache = createTtlCache<string>({ ttlMs: 1_000, maxEntries: 2, now: () => now });
    for (const key of ['a', 'b', 'c']) await cache.get(key, load(key));
    await cache.get('c', load('c'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a'));
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });
});
