import {
  type DigestData,
  type DigestEntry,
  digestMessage,
  digestTab,
  problemCounts,
} from '../../blocks/digest-message';
import { messageProblems } from '../support/block-kit-validator';

const entry = (i: number, partial: Partial<DigestEntry> = {}): DigestEntry => ({
  customerName: `Customer ${i}`,
  utility: 'PG&E',
  state: 'bad_login',
  reason: 'invalid_credentials',
  ...partial,
});

const storm = (partial: Partial<DigestData> = {}): DigestData => {
  const problems = [
    ...Array.from({ length: 280 }, (_, i) => entry(i)),
    ...Array.from({ length: 25 }, (_, i) => entry(i, { state: 'expired', reason: null })),
    ...Array.from({ length: 7 }, (_, i) => entry(i, { state: 'declined', reason: null })),
  ];
  return {
    kind: 'storm',
    total: 312,
    resolved: 41,
    asked: 0,
    problems,
    first: problems.slice(0, 10),
    tab: 'all',
    ...partial,
  };
};

describe('digestMessage', () => {
  it('counts the customers asked to reauthorize beside the resolved, and says nothing while none were', () => {
    expect(digestMessage(storm({ asked: 150 })).text).toContain(
      '41 of 312 resolved · 150 asked to reauthorize',
    );
    expect(digestMessage(storm()).text).not.toContain('asked');
  });

  it('gives the total and each problem’s count in the platform’s words', () => {
    expect(digestMessage(storm()).text).toContain(
      '312 authorizations need attention: 280 bad logins ("Username and password didn\'t work"), 25 expired, 7 declined',
    );
  });

  it('counts the resolved ones', () => {
    const message = digestMessage(storm());
    expect(message.text).toContain('41 of 312 resolved');
    expect(JSON.stringify(message.blocks)).toContain('41 of 312 resolved');
  });

  it('names the first ten, escaped, and counts the rest', () => {
    const first = [
      entry(0, { customerName: 'Grace <!channel> Hopper' }),
      ...Array.from({ length: 11 }, (_, i) => entry(i + 1)),
    ];
    const json = JSON.stringify(digestMessage(storm({ first })).blocks);
    expect(json).toContain('Grace &lt;!channel&gt; Hopper');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('Customer 9');
    expect(json).not.toContain('Customer 10');
    expect(json).toContain('302 more');
  });

  it('says what a first sync found', () => {
    const message = digestMessage(storm({ kind: 'first_sync', total: 1024 }));
    expect(message.text.startsWith('relink found 1,024 authorizations that already need attention: ')).toBe(
      true,
    );
  });

  it('speaks of one authorization in the singular', () => {
    const one = entry(1);
    expect(digestMessage(storm({ total: 1, resolved: 0, problems: [one], first: [one] })).text).toMatch(
      /^1 authorization needs attention: 1 bad login \("Username/,
    );
  });

  it('opens the worklist on the matching App Home tab', () => {
    const json = JSON.stringify(digestMessage(storm({ tab: 'bad_logins' })).blocks);
    expect(json).toContain('"action_id":"home_tab.bad_logins"');
    expect(json).toContain('"value":"bad_logins"');
  });

  it('stays within Block Kit limits whatever the names', () => {
    const first = Array.from({ length: 10 }, (_, i) =>
      entry(i, { customerName: 'x'.repeat(5000), utility: 'y'.repeat(500) }),
    );
    expect(messageProblems(digestMessage(storm({ first })))).toEqual([]);
  });
});

describe('digestTab and problemCounts', () => {
  it('picks the tab that lists every problem', () => {
    expect(digestTab([entry(1)])).toBe('bad_logins');
    expect(digestTab([entry(1, { state: 'revoked', reason: null })])).toBe('expired_declined');
    expect(digestTab([entry(1), entry(2, { state: 'expired', reason: null })])).toBe('all');
  });

  it('keeps bad login reasons apart, largest first', () => {
    expect(problemCounts([entry(1, { reason: 'locked' }), entry(2, { reason: 'locked' }), entry(3)])).toBe(
      '2 bad logins ("Account locked after too many attempts"), 1 bad login ("Username and password didn\'t work")',
    );
  });
});
