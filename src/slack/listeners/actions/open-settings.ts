import type { ModalView } from '@slack/types';
import { settingsRefusedView, settingsTroubleView } from '../../../../blocks/settings-outcomes';
import { settingsView } from '../../../../blocks/settings-view';
import { boltLogger } from '../../bolt-logger';
import { ActionId } from '../../ids';
import { usergroupChoices } from '../../usergroup-choices';
import type { ButtonArgs, ListenerDeps } from '../types';

/**
 * The App Home's **Settings** button: the workspace's Settings modal, for its admins only. The button
 * is drawn for admins alone, but a click can be forged, so who is clicking is checked again here.
 */
export const openSettings = (deps: ListenerDeps) => {
  const log = deps.log.child({ listener: ActionId.openSettings });
  return async ({ ack, body, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const workspaceId = deps.workspaceOf(context);
    const userId = body.user.id;
    const admin = await deps.settings.admins.isAdmin({
      workspaceId,
      userId,
      client,
      installationTeamId: context.teamId ?? null,
      payloadTeamId: body.user.team_id ?? null,
    });
    let view: ModalView;
    if (admin === false) {
      log.warn({ workspaceId, userId }, 'settings refused: not an admin');
      view = settingsRefusedView();
    } else if (admin === null) {
      view = settingsTroubleView('check_failed');
    } else {
      view = await settingsFor(deps, log, client, workspaceId);
    }
    // A failure here (an expired trigger_id, most likely) reaches app.error, which logs it once.
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
};

async function settingsFor(
  deps: ListenerDeps,
  log: ListenerDeps['log'],
  client: ButtonArgs['client'],
  workspaceId: string,
): Promise<ModalView> {
  try {
    // Both well inside the trigger_id's 3 s: reads by _id, and one Slack call with its own deadline.
    const [form, usergroups] = await Promise.all([
      deps.settings.service.prepare(workspaceId),
      usergroupChoices(client, { log, logger: boltLogger(log) }),
    ]);
    return settingsView({ form, usergroups });
  } catch (err) {
    log.error({ err, workspaceId }, 'settings not prepared');
    return settingsTroubleView('not_opened');
  }
}
