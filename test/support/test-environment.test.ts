import { promisify } from 'node:util';
import { LONG_TIMER_MS } from './test-environment';

describe("the tests' environment", () => {
  it('lets no timer of a minute or more hold the worker open, and leaves shorter ones as they are', () => {
    const long = setTimeout(() => {}, LONG_TIMER_MS);
    const short = setTimeout(() => {}, LONG_TIMER_MS - 1);
    try {
      expect(long.hasRef()).toBe(false);
      expect(short.hasRef()).toBe(true);
    } finally {
      clearTimeout(long);
      clearTimeout(short);
    }
  });

  it('keeps the promise form of setTimeout', async () => {
    expect(await promisify(setTimeout)(5, 'waited')).toBe('waited');
  });
});
