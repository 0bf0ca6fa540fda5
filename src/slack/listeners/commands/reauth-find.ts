import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import {
  reauthFormView,
  reauthLoadingView,
  reauthUnavailableView,
} from '../../../../blocks/reauth-form-view';
import { reauthListMessage, reauthListSummary } from '../../../../blocks/reauth-list-message';
import { customerMustAct } from '../../../domain/authorization';
import { RelinkError } from '../../../domain/errors';
import { COMMAND_LIST_LIMIT } from '../../../domain/worklist';
import type { Logger } from '../../../logger';
import type { PreparedForm } from '../../../reauth/prepared-form';
import { explainFailure } from '../explain-failure';
import type { ListenerDeps } from '../types';
import { listRowFacts } from './list-row-facts';

/**
 * How long `/reauth <query>` may search before it holds the trigger_id with a loading modal. The
 * trigger_id dies 3 s after Slack sent the command, and views.open needs a round trip of its own.
 * Within the budget the person gets the form, or the list, with no modal flashing by; past it, the
 * modal opens at once and is filled when the search ends. The search itself is in memory and takes
 * milliseconds, but the worklist may still be loading just after a start, and preparing the form
 * reads the database: opening the modal first would flash one for every search that ends in a list.
 */
const LOOKUP_BUDGET_MS = 1_500;

type Message = { text: string; blocks: KnownBlock[] };
type FindAnswer =
  | { kind: 'form'; form: PreparedForm }
  /** `summary` replaces the loading modal, when one had to be opened, pointing to `message`. */
  | { kind: 'list'; message: Message; summary: string }
  | { kind: 'failed'; words: string };

/**
 * `/reauth <email|id|name>`: exactly one customer who must act → the prefilled reauth form (the same
 * modal as the notice's button); otherwise an ephemeral list of the matches, or why there are none.
 */
export async function findCustomer(
  deps: ListenerDeps,
  log: Logger,
  input: { workspaceId: string; query: string; triggerId: string; respond: RespondFn; client: WebClient },
): Promise<void> {
  const { client, respond } = input;
  const lookup = findAnswer(deps, log, input.workspaceId, input.query);
  const early = await within(lookup, LOOKUP_BUDGET_MS);
  if (early) {
    if (early.kind === 'form') {
      await client.views.open({
        trigger_id: input.triggerId,
        view: reauthFormView(early.form, deps.clock()),
      });
    } else {
      await respond({ response_type: 'ephemeral', ...messageOf(early) });
    }
    return;
  }
  const opened = await client.views.open({ trigger_id: input.triggerId, view: reauthLoadingView() });
  const viewId = opened.view?.id;
  if (!viewId) throw new RelinkError('slack_response_invalid', 'views.open answered without a view id');
  const late = await lookup;
  if (late.kind === 'form') {
    await client.views.update({ view_id: viewId, view: reauthFormView(late.form, deps.clock()) });
    return;
  }
  if (late.kind === 'list') await respond({ response_type: 'ephemeral', ...late.message });
  await client.views.update({
    view_id: viewId,
    view: reauthUnavailableView(late.kind === 'list' ? late.summary : late.words),
  });
}

/** Never rejects: a failure is logged here, once, and becomes words for the person. */
async function findAnswer(
  deps: ListenerDeps,
  log: Logger,
  workspaceId: string,
  query: string,
): Promise<FindAnswer> {
  try {
    const now = deps.clock();
    const { items, total } = await deps.worklist.find(workspaceId, query, COMMAND_LIST_LIMIT);
    const only = total === 1 ? items[0] : undefined;
    // A dismissed incident is listed (with Reopen) rather than asked about again straight away.
    if (only && customerMustAct(only.state) && !only.triage?.dismissedReason) {
      return { kind: 'form', form: await deps.reauth.prepareForm(workspaceId, only._id.toHexString()) };
    }
    const facts = await listRowFacts(deps, workspaceId, items);
    const message = reauthListMessage({ subject: { query }, items, total, ...facts, now });
    return { kind: 'list', message, summary: reauthListSummary(query, total, only?.customer.name ?? null) };
  } catch (err) {
    const { words } = explainFailure(err, {
      log,
      msg: 'reauth search failed',
      words: STEP_FAILURE_WORDS.searchCustomer,
    });
    return { kind: 'failed', words };
  }
}

const messageOf = (answer: Exclude<FindAnswer, { kind: 'form' }>): { text: string; blocks?: KnownBlock[] } =>
  answer.kind === 'list' ? answer.message : { text: answer.words };

/** `work`'s result if it settles within `ms`, else undefined (the work carries on). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
