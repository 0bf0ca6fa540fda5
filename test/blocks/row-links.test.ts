import type { ContextBlock, KnownBlock } from '@slack/types';
import { DASHBOARD_LINK_WORDS, mrkdwnLink, NOTICE_LINK_WORDS, withRowLinks } from '../../blocks/row-links';

const row = (): KnownBlock[] => [
  { type: 'section', text: { type: 'mrkdwn', text: '*Jane*' } },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'No request yet' }] },
];
const permalink = 'https://relink-test.slack.com/archives/C0ALERTS/p1700000000000100';

describe('withRowLinks', () => {
  it('adds the notice link to the row’s status line without adding a block', () => {
    const linked = withRowLinks(row(), permalink);
    expect(linked).toHaveLength(2);
    expect((linked[1] as ContextBlock).elements).toContainEqual({
      type: 'mrkdwn',
      text: `<${permalink}|${NOTICE_LINK_WORDS}>`,
    });
  });

  it('adds the dashboard link beside it, in the same element', () => {
    const dashboard = 'https://dashboard.example.com/authorizations/12345b';
    const linked = withRowLinks(row(), permalink, dashboard);
    expect((linked[1] as ContextBlock).elements).toEqual([
      { type: 'mrkdwn', text: 'No request yet' },
      {
        type: 'mrkdwn',
        text: `<${permalink}|${NOTICE_LINK_WORDS}> · <${dashboard}|${DASHBOARD_LINK_WORDS}>`,
      },
    ]);
  });

  it('leaves the row as it was without links', () => {
    expect(withRowLinks(row(), undefined, undefined)).toEqual(row());
  });
});

describe('mrkdwnLink', () => {
  it('refuses URLs that would break out of a mrkdwn link, and other schemes', () => {
    expect(mrkdwnLink('https://x.slack.com/a|b', 'w')).toBeNull();
    expect(mrkdwnLink('https://x.slack.com/a>b', 'w')).toBeNull();
    expect(mrkdwnLink('javascript:alert(1)', 'w')).toBeNull();
    expect(mrkdwnLink('slack://app?team=T1&id=A1&tab=home', 'w')).toBe(
      '<slack://app?team=T1&id=A1&tab=home|w>',
    );
  });
});
