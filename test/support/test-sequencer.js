// jest's order (a file that failed last time first, then the slowest by jest's timing cache), except on
// a cold cache (a fresh clone, CI), where jest falls back to file size: there the files known to run
// longest start first, so none of them starts last and holds the run open while the other workers idle.
// The list is a hint: a stale name changes only the order.
const Sequencer = require('@jest/test-sequencer').default;

/** Longest first, as measured with three workers on two cores (2026-12-07). */
const LONGEST = [
  'slack/notice-publisher-dead-letters',
  'e2e/production-start',
  'e2e/two-processes',
  'e2e/send-certainty',
  'e2e/reminders',
  'e2e/first-sync',
  'e2e/storm',
  'e2e/bulk-ask',
  'store/embedded-db',
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const rank = (test) => {
      const known = LONGEST.findIndex((name) => test.path.endsWith(`${name}.test.ts`));
      return known === -1 ? LONGEST.length : known;
    };
    // A stable sort: the other files keep jest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
