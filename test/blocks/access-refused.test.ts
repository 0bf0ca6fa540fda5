import {
  accessRefusedHome,
  accessRefusedMessage,
  accessRefusedView,
  refusalWords,
} from '../../blocks/access-refused';
import {
  MEMBERSHIP_REFUSALS,
  type Refusal,
  type RefusalReason,
  type WhoCanHelp,
} from '../../src/domain/access';
import { ActionId, CallbackId } from '../../src/slack/ids';
import { allText, elementsWithActionIds } from '../support/block-kit';
import { messageProblems, viewProblems } from '../support/block-kit-validator';

const refused = (reason: RefusalReason, whoCanHelp: WhoCanHelp): Refusal => ({
  allowed: false,
  reason,
  whoCanHelp,
});
const REASONS: RefusalReason[] = [
  'guest',
  'stranger',
  'deactivated',
  'bot',
  'not_channel_member',
  'not_usergroup_member',
  'no_alert_channel',
  'unknown_person',
  'check_failed',
];
const HELPERS: WhoCanHelp[] = [
  { kind: 'full_members' },
  { kind: 'channel_members', channelId: 'C0ALERTS01' },
  { kind: 'usergroup_members', usergroupId: 'S0BILLING1' },
  { kind: 'admins' },
];

describe('the access refusal', () => {
  it('tells a guest that only full members can ask, and to ask one', () => {
    const words = refusalWords(refused('guest', { kind: 'full_members' }));
    expect(words).toContain('Only full members of this workspace can ask customers to reauthorize.');
    expect(words).toContain('Ask a full member of this workspace');
  });

  it('tells someone from another organisation why, and names the alert channel as who can help', () => {
    const words = refusalWords(refused('stranger', { kind: 'channel_members', channelId: 'C0ALERTS01' }));
    expect(words).toContain('People from other organizations in a shared channel');
    expect(words).toContain('Ask a member of <#C0ALERTS01>');
  });

  it('names the user group for a non-member under the user-group setting', () => {
    const words = refusalWords(
      refused('not_usergroup_member', { kind: 'usergroup_members', usergroupId: 'S0BILLING1' }),
    );
    expect(words).toContain('Only members of <!subteam^S0BILLING1> can ask customers to reauthorize.');
    expect(words).toContain('Ask a member of <!subteam^S0BILLING1>');
  });

  it('names a malformed channel or group id in words, never as markup', () => {
    const channel = refusalWords(
      refused('not_channel_member', { kind: 'channel_members', channelId: '<!here>' }),
    );
    const group = refusalWords(
      refused('not_usergroup_member', { kind: 'usergroup_members', usergroupId: 'S1|x>' }),
    );
    expect(channel).not.toContain('<');
    expect(channel).toContain('the alert channel');
    expect(group).not.toContain('<');
  });

  it('is a valid modal, ephemeral message and Home for every reason and helper, with nothing to click but Settings', () => {
    for (const reason of REASONS) {
      for (const help of HELPERS) {
        const refusal = refused(reason, help);
        const view = accessRefusedView(refusal);
        expect(view.callback_id).toBe(CallbackId.accessRefused);
        expect(view.submit).toBeUndefined();
        expect(viewProblems(view)).toEqual([]);
        expect(messageProblems(accessRefusedMessage(refusal))).toEqual([]);
        const home = accessRefusedHome(refusal);
        expect(viewProblems(home)).toEqual([]);
        expect(elementsWithActionIds([view, accessRefusedMessage(refusal)])).toEqual([]);
        // Refused by the membership setting, an admin must still reach Settings to change it.
        const homeActions = elementsWithActionIds(home).map((e) => e.action_id);
        expect(homeActions).toEqual(MEMBERSHIP_REFUSALS.includes(reason) ? [ActionId.openSettings] : []);
        expect(allText(home.blocks)).toContain(refusalWords(refusal).split('. ')[0]);
      }
    }
  });
});
