import type { ViewOutput, ViewResponseAction } from '@slack/bolt';
import { homeView } from '../../../../blocks/home-view';
import {
  SETTINGS_FIELD_MESSAGES,
  settingsRefusedView,
  settingsSavedView,
  settingsTroubleView,
} from '../../../../blocks/settings-outcomes';
import type { WorkspaceSettings } from '../../../domain/workspace';
import type { SaveOutcome, SettingsProblem } from '../../../workspaces/settings-service';
import { BlockId, type BlockIdValue, CallbackId } from '../../ids';
import { settingsMeta } from '../../metadata';
import type { SettingsAdminQuestion } from '../../settings-admins';
import { announceSettingsChange } from '../../settings-announcement';
import { parseSettingsSubmission } from '../../settings-form';
import type { ListenerDeps, ViewSubmissionArgs } from '../types';

type Answer = {
  response: ViewResponseAction | undefined;
  saved: (Extract<SaveOutcome, { saved: true }> & { settings: WorkspaceSettings }) | null;
};

/**
 * **Save** on the Settings modal: who is saving is checked again (a submission can be forged), field
 * errors go back onto the form, and what was saved takes effect at once; then the admin's Home is
 * published again. Connecting UtilityAPI shows the webhook URL to paste there.
 */
export const settingsSubmitted = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: CallbackId.workspaceSettings });
  return async ({ ack, body, view, client, context }: ViewSubmissionArgs): Promise<void> => {
    const workspaceId = deps.workspaceOf(context);
    const userId = body.user.id;
    const question: SettingsAdminQuestion = {
      workspaceId,
      userId,
      client,
      installationTeamId: context.teamId ?? null,
      payloadTeamId: body.user.team_id ?? null,
    };
    // Worked out before the one ack, within Slack's 3 s: a second ack would throw.
    const { response, saved } = await answer(deps, log, question, view);
    await ack(response);
    if (!saved) return;
    await announceSettingsChange({ client, log }, saved, {
      userId,
      settings: saved.settings,
      when: deps.clock(),
    });
    try {
      const { data } = await deps.home.prepare(workspaceId, userId);
      await client.views.publish({ user_id: userId, view: homeView(data) });
    } catch (err) {
      log.warn({ err, workspaceId }, 'home not published after settings saved');
    }
  };
};

async function answer(
  deps: ListenerDeps,
  log: ListenerDeps['log'],
  question: SettingsAdminQuestion,
  view: ViewOutput,
): Promise<Answer> {
  const { workspaceId, userId } = question;
  const refused = (response: ViewResponseAction): Answer => ({ response, saved: null });
  let metaWorkspace: string | null = null;
  try {
    metaWorkspace = settingsMeta.decode(view.private_metadata).workspaceId;
  } catch {
    // Left null: refused below, as a modal relink did not open for this workspace.
  }
  if (metaWorkspace !== workspaceId) {
    log.warn({ workspaceId, userId }, 'settings submission not for this workspace');
    return refused({ response_action: 'update', view: settingsRefusedView() });
  }
  const admin = await deps.settings.admins.isAdmin(question);
  if (admin === null)
    return refused({ response_action: 'update', view: settingsTroubleView('check_failed') });
  if (!admin) {
    log.warn({ workspaceId, userId }, 'settings refused: not an admin');
    return refused({ response_action: 'update', view: settingsRefusedView() });
  }
  const parsed = parseSettingsSubmission(view.state.values);
  if (!parsed.ok) return refused(fieldErrors(view, parsed.errors));
  try {
    const outcome = await deps.settings.service.save(workspaceId, parsed.change, { userId });
    if (!outcome.saved)
      return refused(
        fieldErrors(view, { [PROBLEM_BLOCKS[outcome.problem]]: PROBLEM_WORDS[outcome.problem] }),
      );
    const { webhook } = outcome;
    const connectedNow = outcome.utilityApi === 'connected' && webhook !== null;
    return {
      response: connectedNow ? { response_action: 'update', view: settingsSavedView(webhook) } : undefined,
      saved: { ...outcome, settings: parsed.change.settings },
    };
  } catch (err) {
    log.error({ err, workspaceId }, 'settings not saved');
    return refused({ response_action: 'update', view: settingsTroubleView('not_saved') });
  }
}

const PROBLEM_BLOCKS: Record<SettingsProblem, BlockIdValue> = {
  token_needed: BlockId.settingsUtilityApiToken,
  webhook_secret_needed: BlockId.settingsUtilityApiWebhookSecret,
  encryption_key_missing: BlockId.settingsUtilityApiToken,
};
const PROBLEM_WORDS: Record<SettingsProblem, string> = {
  token_needed: SETTINGS_FIELD_MESSAGES.tokenNeeded,
  webhook_secret_needed: SETTINGS_FIELD_MESSAGES.webhookSecretNeeded,
  encryption_key_missing: SETTINGS_FIELD_MESSAGES.encryptionKeyMissing,
};

/**
 * Errors on the modal's own fields. Slack meets an error on a block the modal lacks with only "trouble
 * connecting" (a token sent to a modal that shows no token field was forged), so then the modal says
 * nothing was saved instead.
 */
function fieldErrors(view: ViewOutput, errors: Partial<Record<BlockIdValue, string>>): ViewResponseAction {
  const present = new Set(view.blocks.map((block) => block.block_id));
  const shown = Object.fromEntries(Object.entries(errors).filter(([block]) => present.has(block)));
  if (Object.keys(shown).length === 0)
    return { response_action: 'update', view: settingsTroubleView('not_saved') };
  return { response_action: 'errors', errors: shown };
}
