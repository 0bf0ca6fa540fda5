import type { AnyBlock, Button } from '@slack/types';
import { Types } from 'mongoose';
import {
  noMatchMessage,
  reauthListMessage,
  reauthListSummary,
  reauthUsageMessage,
} from '../../blocks/reauth-list-message';
import type { AuthorizationState } from '../../src/domain/authorization';
import type { HomeTab, WorklistItem } from '../../src/domain/worklist';
import { ActionId, actionIdPattern } from '../../src/slack/ids';
import { askReauthValue } from '../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';

const now = new Date('2026-06-01T12:00:00Z');

const item = (name: string, state: AuthorizationState = 'bad_login'): WorklistItem => ({
  _id: new Types.ObjectId(),
  customer: { name, email: `${name.split(' ')[0]?.toLowerCase()}@example.com` },
  utility: 'SCE',
  state,
  reason: state === 'bad_login' ? 'locked' : null,
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  incidentOpen: true,
  incidentSince: new Date(now.getTime() - 3 * 86_400_000),
});

const askButtons = (blocks: AnyBlock[]) =>
  (elementsWithActionIds(blocks) as unknown as Button[]).filter((b) =>
    actionIdPattern(ActionId.askReauth).test(b.action_id ?? ''),
  );

const counts: Record<HomeTab, number> = {
  bad_logins: 12,
  expired_declined: 40,
  expiring_soon: 3,
  awaiting_customer: 5,
  mine: 0,
  all: 1234,
};

describe('reauthListMessage', () => {
  it('lists several matches, each with the notice’s button opening its own authorization', () => {
    const janes = [item('Jane Doe'), item('Janet Roe', 'expired')];
    const message = reauthListMessage({ subject: { query: 'jan' }, items: janes, total: 2, now });
    const text = allText(message.blocks);
    expect(text).toContain('2 authorizations match “jan”');
    expect(text).toContain('Jane Doe');
    expect(text).toContain('Janet Roe');
    expect(text).toContain('Account locked after too many attempts');
    expect(askButtons(message.blocks).map((b) => askReauthValue.decode(b.value).authorizationId)).toEqual(
      janes.map((j) => j._id.toHexString()),
    );
    expect(message.text).toBe('2 authorizations match “jan”');
    expect(messageProblems(message)).toEqual([]);
  });

  it('shows at most 10 and says how many more there are', () => {
    const items = Array.from({ length: 25 }, (_, i) => item(`Customer ${i}`));
    const message = reauthListMessage({ subject: { query: 'cust' }, items, total: 1234, now });
    expect(askButtons(message.blocks)).toHaveLength(10);
    expect(allText(message.blocks)).toContain('…and 1,224 more — narrow it down or open the App Home');
    expect(messageProblems(message)).toEqual([]);
  });

  it('lists a filter newest problem first, and says so when it is empty', () => {
    const list = reauthListMessage({
      subject: { filter: 'bad-logins' },
      items: [item('Jane Doe')],
      total: 1,
      now,
    });
    expect(allText(list.blocks)).toContain('*Bad logins*: 1 authorization, newest problem first');
    const empty = reauthListMessage({ subject: { filter: 'expired' }, items: [], total: 0, now });
    expect(allText(empty.blocks)).toContain('No authorization is expired.');
    expect(messageProblems(empty)).toEqual([]);
  });

  it('explains a search that matched nothing', () => {
    const message = reauthListMessage({ subject: { query: 'nothing-here' }, items: [], total: 0, now });
    expect(message.text).toBe('No authorization matches “nothing-here”');
  });

  it('stays within a message’s limits with 10 long rows and a long query', () => {
    const long = 'W'.repeat(4000);
    const items = Array.from({ length: 10 }, (_, i) => ({ ...item(`${long} ${i}`), utility: long }));
    const message = reauthListMessage({ subject: { query: long }, items, total: 10_000, now });
    expect(messageProblems(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('reauthUsageMessage', () => {
  it('gives examples and the count of each filter', () => {
    const message = reauthUsageMessage({ counts });
    const text = allText(message.blocks);
    expect(text).toContain('/reauth jane@example.com');
    expect(text).toContain('/reauth jan');
    expect(text).toContain('/reauth list bad-logins` — Bad logins: 12');
    expect(text).toContain('/reauth list declined` — Expired / Declined: 40');
    expect(text).toContain('/reauth list all` — All: 1,234');
    expect(messageProblems(message)).toEqual([]);
  });

  it('says what it did not understand, as plain text', () => {
    const message = reauthUsageMessage({ counts, notUnderstood: 'list <!here> nonsense' });
    expect(allText(message.blocks)).toContain("relink didn't understand “list &lt;!here&gt; nonsense”");
    expect(messageProblems(message)).toEqual([]);
  });
});

describe('noMatchMessage', () => {
  it('says nothing matched and what to try', () => {
    const message = noMatchMessage('nothing-here');
    const text = allText(message.blocks);
    expect(text).toContain('No authorization matches “nothing-here”');
    expect(text).toContain('full email');
    expect(text).toContain('/reauth list all');
    expect(messageProblems(message)).toEqual([]);
  });
});

describe('reauthListSummary', () => {
  it('says how many matched and points to the reply in the conversation', () => {
    expect(reauthListSummary('jan', 1234, null)).toBe(
      "1,234 authorizations match “jan”. Pick one from relink's reply in the conversation.",
    );
    expect(reauthListSummary('nobody', 0, null)).toContain('No authorization matches “nobody”');
  });

  it('names the only match that needs nothing, or says "This customer" when it has no name', () => {
    expect(reauthListSummary('jane', 1, ' Jane Doe ')).toMatch(/^Jane Doe doesn't need to reauthorize/);
    expect(reauthListSummary('jane', 1, null)).toMatch(/^This customer doesn't need to reauthorize/);
  });

  it('keeps what the person typed to 100 characters', () => {
    const summary = reauthListSummary('x'.repeat(500), 0, null);
    expect(summary).not.toContain('x'.repeat(101));
  });
});
