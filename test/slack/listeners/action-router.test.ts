import type { App, BlockAction } from '@slack/bolt';
import { ActionId } from '../../../src/slack/ids';
import { type ActionArgs, createActionRouter } from '../../../src/slack/listeners/action-router';

/** The one Bolt listener the router registers, called as Bolt would call it for a block action. */
function routed(setup: (router: ReturnType<typeof createActionRouter>, ran: string[]) => void) {
  const router = createActionRouter();
  const ran: string[] = [];
  setup(router, ran);
  let listener: ((args: unknown) => Promise<void>) | undefined;
  const app = {
    action: (constraints: unknown, callback: (args: unknown) => Promise<void>) => {
      expect(constraints).toEqual({ type: 'block_actions' });
      listener = callback;
    },
  };
  router.register(app as unknown as App);
  return {
    ran,
    click: (actionId: string) => listener?.({ action: { action_id: actionId } }),
  };
}

const handler = (name: string, ran: string[]) => async (args: ActionArgs<BlockAction>) => {
  ran.push(`${name}:${args.action.action_id}`);
};

describe('the action router', () => {
  it('gives a keyed handler its base id and every row id, and an exact one its id alone', async () => {
    const { ran, click } = routed((router, ran) => {
      router.on(ActionId.askReauth, handler('ask', ran), { keyed: true });
      router.on(ActionId.homeNext, handler('next', ran));
    });
    await click('ask_reauth');
    await click('ask_reauth.3');
    await click('home_next');
    await click('home_next.3');
    await click('ask_reauth.3.4');
    await click('ask_reauth_other');
    expect(ran).toEqual(['ask:ask_reauth', 'ask:ask_reauth.3', 'next:home_next']);
  });

  it('refuses two handlers for one id', () => {
    const router = createActionRouter();
    router.on(ActionId.triage, async () => undefined, { keyed: true });
    expect(() => router.on(ActionId.triage, async () => undefined)).toThrow(/two handlers for triage/);
  });
});
