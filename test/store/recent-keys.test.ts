import { createRecentKeys } from '../../src/store/recent-keys';

describe('the keys of recently archived events', () => {
  it('remembers keys for a while and forgets the oldest past its size', () => {
    const recent = createRecentKeys(2, 60_000);
    recent.add('a');
    recent.add('b');
    expect([recent.has('a'), recent.has('b'), recent.has('c')]).toEqual([true, true, false]);
    recent.add('a'); // seen again: now the newest
    recent.add('c');
    expect([recent.has('a'), recent.has('b'), recent.has('c')]).toEqual([true, false, true]);
  });

  it('forgets keys older than its age limit', () => {
    const recent = createRecentKeys(10, 0);
    recent.add('a');
    expect(recent.has('a')).toBe(false);
  });
});
