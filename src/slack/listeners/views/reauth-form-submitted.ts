import type { ViewOutput, ViewResponseAction } from '@slack/bolt';
import { STEP_FAILURE_WORDS } from '../../../../blocks/failure-words';
import {
  reauthUnavailableView,
  sendAnywayNeededWords,
  sendToSuppressedNeededWords,
} from '../../../../blocks/reauth-form-view';
import { reauthPreviewView } from '../../../../blocks/reauth-preview-view';
import type { ReauthDraft } from '../../../domain/reauth-draft';
import { BlockId, CallbackId } from '../../ids';
import { parseReauthDraft, reauthFormMeta } from '../../metadata';
import { explainFailure } from '../explain-failure';
import { refilledForm } from '../refilled-form';
import type { ListenerDeps, ViewSubmissionArgs } from '../types';

/**
 * "Send Update Request" on the reauth form: field errors go back onto the form; a valid draft
 * becomes the preview of the exact email. Nothing is sent yet.
 */
export const reauthFormSubmitted = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: CallbackId.reauthForm });
  return async ({ ack, view, context }: ViewSubmissionArgs): Promise<void> => {
    // Worked out before the one ack: a second ack would throw, and Slack only reads the first.
    await ack(await answer(deps, log, deps.workspaceOf(context), view));
  };
};

async function answer(
  deps: ListenerDeps,
  log: ListenerDeps['log'],
  workspaceId: string,
  view: ViewOutput,
): Promise<ViewResponseAction> {
  const parsed = parseReauthDraft(view.state.values);
  if (!parsed.ok) return { response_action: 'errors', errors: parsed.errors };
  const { draft } = parsed;
  try {
    const meta = reauthFormMeta.decode(view.private_metadata);
    const cooldown = await deps.reauth.cooldownBlocks(workspaceId, meta.authorizationId, draft);
    if (cooldown && hasSendAnyway(view)) {
      const errors = { [BlockId.sendAnyway]: sendAnywayNeededWords(cooldown.lastSentAt, deps.clock()) };
      return { response_action: 'errors', errors };
    }
    if (cooldown) {
      // The form was opened before that request went out, so it has no "Send anyway" box; Slack meets
      // an error on a block the modal lacks with only "trouble connecting". Show it again, with the box.
      const form = await deps.reauth.prepareForm(workspaceId, meta.authorizationId);
      return { response_action: 'update', view: refilledForm(form, draft, deps.clock()) };
    }
    const suppressed = await suppressedAnswer(deps, workspaceId, meta.authorizationId, draft, view);
    if (suppressed) return suppressed;
    const { name: senderName, email: senderEmail } = deps.sender;
    const { authorizationId, problem } = meta;
    const preview = reauthPreviewView({ authorizationId, problem, draft, senderName, senderEmail });
    return { response_action: 'update', view: preview };
  } catch (err) {
    const { words } = explainFailure(err, {
      log,
      msg: 'reauth form not checked',
      words: STEP_FAILURE_WORDS.checkForm,
    });
    return { response_action: 'update', view: reauthUnavailableView(words) };
  }
}

/**
 * A suppressed address (spam report, unsubscribe) goes on only with "Send anyway" ticked on a form that
 * said why. A form that did not (the address was typed in, or reported since it opened) is shown again
 * with the warning and the box unticked, so the tick is always a choice made knowing.
 */
async function suppressedAnswer(
  deps: ListenerDeps,
  workspaceId: string,
  authorizationId: string,
  draft: ReauthDraft,
  view: ViewOutput,
): Promise<ViewResponseAction | null> {
  const warned = hasBlock(view, BlockId.suppressionNotice);
  const eligibility = await deps.reauth.emailEligibility({
    workspaceId,
    authorizationId,
    email: draft.customerEmail,
    sender: 'person',
    override: draft.sendAnyway && warned,
  });
  if (eligibility.allowed || eligibility.because !== 'suppressed') return null;
  const { suppression } = eligibility;
  if (warned && hasSendAnyway(view)) {
    return {
      response_action: 'errors',
      errors: { [BlockId.sendAnyway]: sendToSuppressedNeededWords(suppression.reason) },
    };
  }
  const form = await deps.reauth.prepareForm(workspaceId, authorizationId);
  const warnedForm = { ...form, customerEmail: draft.customerEmail, suppression };
  const refilled = refilledForm(warnedForm, { ...draft, sendAnyway: false }, deps.clock());
  return { response_action: 'update', view: refilled };
}

const hasBlock = (view: ViewOutput, blockId: string): boolean =>
  view.blocks.some((block) => block.block_id === blockId);
const hasSendAnyway = (view: ViewOutput): boolean => hasBlock(view, BlockId.sendAnyway);
