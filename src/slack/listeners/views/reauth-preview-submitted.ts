import { createHash } from 'node:crypto';
import type { ViewOutput, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import { reauthUnavailableView } from '../../../../blocks/reauth-form-view';
import { requestQueuedView } from '../../../../blocks/request-queued-view';
import { CallbackId } from '../../ids';
import { reauthPreviewMeta } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { slackActorOf } from '../slack-actor';
import type { ListenerDeps, ViewSubmissionArgs } from '../types';

/** Send on the email preview: records the request exactly once and queues the email. */
export const reauthPreviewSubmitted = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: CallbackId.reauthPreview });
  return async ({ ack, body, view, context }: ViewSubmissionArgs): Promise<void> => {
    // requestSend is a few indexed writes, well inside Slack's 3 s; the ack carries its outcome.
    await ack(await answer(deps, log, deps.workspaceOf(context), body, view));
  };
};

async function answer(
  deps: ListenerDeps,
  log: ListenerDeps['log'],
  workspaceId: string,
  body: ViewSubmitAction,
  view: ViewOutput,
): Promise<ViewResponseAction> {
  try {
    const meta = reauthPreviewMeta.decode(view.private_metadata);
    const { request } = await deps.reauth.requestSend({
      workspaceId,
      authorizationId: meta.authorizationId,
      draft: meta.draft,
      problem: meta.problem,
      requestedBy: slackActorOf(body),
      idempotencyKey: idempotencyKey(view),
    });
    // What was recorded, which for a repeated submit is the first request.
    const queued = requestQueuedView({
      customerName: request.recipient.name,
      email: request.recipient.email,
    });
    return { response_action: 'update', view: queued };
  } catch (err) {
    const { kind, words } = explainFailure(err, {
      log,
      msg: 'reauth request not recorded',
      words: STEP_FAILURE_WORDS.sendPreview,
    });
    const unavailable = reauthUnavailableView(words);
    // Pushed, not swapped in: closing it returns to this same preview, whose Send repeats the same
    // idempotency key, so a second press can never record the request twice.
    if (kind === 'unexpected') return { response_action: 'push', view: unavailable };
    return { response_action: 'update', view: unavailable };
  }
}

/**
 * One request per preview: Slack keeps a modal's id through every step, and the preview's metadata
 * holds the whole draft. A repeated submit or Slack's retry finds the first request; a draft edited
 * in the same modal (Edit, then submit again) is a new request.
 */
const idempotencyKey = (view: ViewOutput): string =>
  `slack-view:${view.id}:${createHash('sha256').update(view.private_metadata).digest('hex').slice(0, 16)}`;
