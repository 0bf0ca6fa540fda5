import type { ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import { bulkConfirmView } from '../../blocks/bulk-confirm-view';
import { ActionId, BlockId, CallbackId, keyedActionId } from '../../src/slack/ids';
import { viewText } from '../slack/listeners/harness';
import { ALICE, E2E, useE2eRelink } from '../support/e2e-relink';
import { eventually } from '../support/eventually';
import { blockActionsPayload } from '../support/slack-signing';
import { utilityApiTime } from '../support/utilityapi-standin';

/*
 * The bulk ask end to end (issue 13): 130 bad logins arrive by a signed UtilityAPI webhook; Alice
 * selects 120 of them across three Home pages, asks, reads who is skipped and why, and sends. Every
 * eligible customer gets exactly one email, a second Send changes nothing, and the Home follows the
 * sending to its outcome.
 */

const CHANNEL = E2E.channel;
const TOTAL = 130;
const NO_EMAIL = ['Nora Noemail 1', 'Nora Noemail 2', 'Nora Noemail 3'];
const AWAITING = ['Walt Waiting 1', 'Walt Waiting 2'];
const COOLDOWN = 'Cody Cooldown';
const SPECIAL = new Set([...NO_EMAIL, ...AWAITING, COOLDOWN]);
const names = [
  ...NO_EMAIL,
  ...AWAITING,
  COOLDOWN,
  ...Array.from({ length: TOTAL - 6 }, (_, i) => `Bea Bulk ${i + 1}`),
];
const emailOf = (name: string) => `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`;

type Loose = {
  type: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string; initial_options?: unknown[] }[];
};

/** Each row of a Home page: name, authorization id and whether its checkbox is ticked. */
function rowsOf(view: { blocks: readonly unknown[] }) {
  const rows: { name: string; id: string; ticked: boolean }[] = [];
  let name = '';
  for (const block of view.blocks as Loose[]) {
    if (block.type === 'section') name = /^\*(.+?)\* · /.exec(block.text?.text ?? '')?.[1] ?? name;
    const box = block.elements?.find((e) => e.type === 'checkboxes');
    if (box?.action_id)
      rows.push({
        name,
        id: box.action_id.split('.')[1] ?? '',
        ticked: (box.initial_options ?? []).length > 0,
      });
  }
  return rows;
}
const buttonLabels = (view: { blocks: readonly unknown[] }) =>
  (view.blocks as Loose[]).flatMap((b) =>
    b.type === 'actions'
      ? (b.elements ?? []).map((e) => (e as { text?: { text: string } }).text?.text ?? '')
      : [],
  );

describe('the bulk ask, end to end', () => {
  const e2e = useE2eRelink('e2e-bulk');
  const { slack, sendgrid, utilityapi, home, publishedBy } = e2e;
  const openHome = () => publishedBy(() => e2e.openHome());
  const click = (view: ViewOutput, actionId: string) => e2e.click({ view }, actionId);
  /** Ticks or unticks a row's checkbox, as Slack reports it: the element's new selection. */
  const tick = (view: ViewOutput, id: string, on: boolean) => {
    const rowIndex = rowsOf(view).findIndex((r) => r.id === id);
    const base = blockActionsPayload({
      actor: ALICE,
      triggerId: slack.issueTriggerId({ userId: ALICE.userId, viewId: view.id }),
      actionId: keyedActionId(ActionId.askReauth, String(rowIndex)),
      source: { view },
    });
    const option = { text: { type: 'plain_text', text: 'Select' }, value: id };
    const action = {
      type: 'checkboxes',
      action_id: keyedActionId(ActionId.bulkSelect, id),
      block_id: base.actions[0]?.block_id,
      selected_options: on ? [option] : [],
      action_ts: base.actions[0]?.action_ts,
    };
    return publishedBy(() => e2e.interact({ ...base, actions: [action] }));
  };
  const clickHome = (actionId: string) => publishedBy(() => click(home(), actionId));
  const submitConfirm = async (view: ViewOutput, note: string) => {
    const answer = await e2e.submit(view, {
      [BlockId.bulkNote]: { [ActionId.bulkNote]: { type: 'plain_text_input', value: note } },
    });
    expect(answer.status).toBe(200);
    return answer.json as { response_action?: string; view?: View };
  };

  beforeAll(async () => {
    const ago = (minutes: number) => utilityApiTime(new Date(Date.now() - minutes * 60_000));
    const uids = names.map(
      (name, i) =>
        utilityapi.upsertAuthorization({
          customer_email: NO_EMAIL.includes(name) ? 'not-an-email' : emailOf(name),
          customer_signature: { type: 'text', ts: ago(600), full_name: name },
          notes: [{ type: 'access_invalid', msg: 'Invalid login', ts: ago(i + 1) }],
        }).uid,
    );
    const status = await e2e.deliver(
      uids.map((uid) => ({ type: 'authorization_update_finished_errored', authorization_uid: uid })),
    );
    expect(status).toBe(200);
    await eventually(
      async () => (viewText(await openHome()).includes(`Bad logins *${TOTAL}*`) ? true : undefined),
      'the batch',
    );

    // Three customers asked before, one at a time: two wait for the customer, one's email failed after
    // it went out (inside the cooldown).
    const { reauth, requests, authorizations } = e2e.relink.services;
    for (const name of [...AWAITING, COOLDOWN]) {
      const row = rowsOf(home()).find((r) => r.name === name);
      const authorization = await authorizations.findById(row?.id ?? '');
      if (!authorization) throw new Error(`no ${name}`);
      const draft = {
        customerName: name,
        customerEmail: emailOf(name),
        utility: 'PG&E',
        note: null,
        sendAnyway: false,
      };
      const { request } = await reauth.requestSend({
        workspaceId: authorization.workspaceId,
        authorizationId: authorization._id.toHexString(),
        draft,
        problem: { state: 'bad_login', reason: 'invalid_credentials' },
        requestedBy: ALICE,
        idempotencyKey: `setup:${name}`,
      });
      const sent = await eventually(async () => {
        const r = await requests.findById(request._id.toHexString());
        return r?.status === 'sent' ? r : undefined;
      }, `${name}'s email`);
      if (name === COOLDOWN) await requests.advance(sent, 'failed', null, new Date());
    }
  }, 120_000);

  it('refuses to send a confirmation whose plan relink did not draw, and sends nothing', async () => {
    const before = sendgrid.messages.length;
    // A confirmation as relink draws it, for a plan id relink never stored.
    const plan = {
      planId: 'f'.repeat(24),
      asked: [{ authorizationId: 'a'.repeat(24), name: 'Nobody' }],
      skipped: [],
      preview: null,
      cooldownHours: 24,
      truncatedFrom: null,
    };
    const drawn = bulkConfirmView({ plan, senderName: 'Sunny Solar', senderEmail: 'support@sunny.example' });
    const forged = { ...home(), ...drawn, state: { values: {} } } as unknown as ViewOutput;
    const answer = await submitConfirm(forged, '');
    expect(answer.response_action).toBe('update');
    expect(viewText(answer.view as View)).toContain("This confirmation can't be sent any more");
    await new Promise((r) => setTimeout(r, 500));
    expect(sendgrid.messages).toHaveLength(before);
  });

  it('keeps ticked rows across pages, and clears them', async () => {
    const first = await openHome();
    const [a, b] = rowsOf(first);
    await tick(first, a?.id ?? '', true);
    let view = await tick(home(), b?.id ?? '', true);
    view = await clickHome(ActionId.homeNext);
    const c = rowsOf(view)[0];
    view = await tick(view, c?.id ?? '', true);
    expect(buttonLabels(view)).toContain('Ask 3 customers to reauthorize…');
    view = await clickHome(ActionId.homePrevious);
    expect(
      rowsOf(view)
        .filter((r) => r.ticked)
        .map((r) => r.id),
    ).toEqual([a?.id, b?.id]);
    view = await clickHome(ActionId.bulkClearSelection);
    expect(rowsOf(view).some((r) => r.ticked)).toBe(false);
    expect(buttonLabels(view).some((l) => /^Ask \d+ customers? to reauthorize/.test(l))).toBe(false);
  });

  it('selects 120 across three pages, lists the skipped with reasons, and sends each one email once', async () => {
    await openHome();
    let view = await clickHome(ActionId.bulkSelectAll);
    expect(buttonLabels(view)).toContain(`Ask ${TOTAL} customers to reauthorize…`);
    // Ten unticked over the first three pages, none of the customers who are to be skipped.
    const unticked: string[] = [];
    for (const [page, n] of [
      [1, 4],
      [2, 3],
      [3, 3],
    ] as const) {
      if (page > 1) view = await clickHome(ActionId.homeNext);
      expect(rowsOf(view).every((r) => r.ticked)).toBe(true);
      for (const row of rowsOf(view)
        .filter((r) => !SPECIAL.has(r.name))
        .slice(0, n)) {
        view = await tick(view, row.id, false);
        unticked.push(row.name);
      }
    }
    expect(buttonLabels(view)).toContain('Ask 120 customers to reauthorize…');
    view = await clickHome(ActionId.homePrevious);
    expect(rowsOf(view).filter((r) => !r.ticked)).toHaveLength(3);

    const opens = slack.callsTo('views.open').length;
    expect((await click(view, ActionId.bulkAsk)).status).toBe(200);
    const call = await eventually(
      () => slack.callsTo('views.open').find((c, i) => i >= opens && c.status !== 0),
      'views.open',
    );
    expect(call.error).toBeUndefined();
    const confirm = slack.views.byId.get((call.response as { view: { id: string } }).view.id)
      ?.output as ViewOutput;
    expect(confirm.callback_id).toBe(CallbackId.bulkConfirm);
    const text = viewText(confirm);
    expect(text).toContain('*114 customers* will be asked');
    expect(text).toContain('*6 customers skipped:*');
    expect(text).toContain(`*No valid email on file* (3): ${NO_EMAIL.join(', ')}`);
    expect(text).toContain('*Already asked: waiting for the customer* (2)');
    expect(text).toContain(`*Asked within the last 24 hours* (1): ${COOLDOWN}`);
    expect(text).toContain('Subject: Please relink your');
    expect(confirm.submit?.text).toBe('Send 114 emails');

    const before = sendgrid.messages.length;
    const answer = await submitConfirm(confirm, 'We switched billing systems.');
    expect(answer.response_action).toBe('update');
    await e2e.direct.views.update({ view_id: confirm.id, view: answer.view as View });
    const asked = names.filter((n) => !SPECIAL.has(n) && !unticked.includes(n));
    expect(asked).toHaveLength(114);
    await eventually(
      () => (sendgrid.messages.length - before >= 114 ? true : undefined),
      'every email',
      90_000,
    );
    const done = await eventually(
      () => (viewText(home()).includes('Bulk ask done: 114 of 114 emails sent') ? home() : undefined),
      'the outcome on the Home',
      30_000,
    );
    expect(viewText(done)).toContain('6 skipped');

    // A double submit (Slack's retry, a second press) starts nothing.
    const again = await submitConfirm(confirm, 'We switched billing systems.');
    expect(again.response_action).toBe('update');
    await new Promise((r) => setTimeout(r, 1500));
    const bulkEmails = sendgrid.messages.slice(before);
    expect(bulkEmails).toHaveLength(114);
    expect(bulkEmails.flatMap((m) => m.to).sort()).toEqual(asked.map(emailOf).sort());
    expect(bulkEmails.every((m) => m.text?.includes('We switched billing systems.'))).toBe(true);

    const progress = slack
      .callsTo('views.publish')
      .map((c) => viewText((c.args as { view: View }).view as { blocks: unknown[] }));
    expect(
      progress.some((t) => /(Queuing \d+ of 114 reauthorization requests|Sending \d+ of 114)…/.test(t)),
    ).toBe(true);
    const summary = await eventually(
      () => [...slack.messages(CHANNEL).values()].find((m) => m.text?.includes('asked 114 customers')),
      'the summary in the alert channel',
      30_000,
    );
    expect(summary.text).toContain('114 emails sent, 0 failed');
  }, 180_000);
});
