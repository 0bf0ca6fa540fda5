import type { WebClient } from '@slack/web-api';
import { type SettingsChangeFacts, settingsChangeLine } from '../../blocks/settings-change-line';
import type { WorkspaceSettings } from '../domain/workspace';
import type { Logger } from '../logger';
import type { SaveOutcome } from '../workspaces/settings-service';

/**
 * After a Settings save: one line in the alert channel when where alerts go, who may act or the
 * UtilityAPI connection changed (and in the channel alerts left, when they moved). A line that cannot
 * be posted is logged; the save stands. The client retries as the Web API client does (about 30 min).
 */
export async function announceSettingsChange(
  at: { client: WebClient; log: Logger },
  saved: Extract<SaveOutcome, { saved: true }>,
  facts: { userId: string; settings: WorkspaceSettings; when: Date },
): Promise<void> {
  const moved = saved.changed.includes('alertChannel');
  const line: SettingsChangeFacts = {
    userId: facts.userId,
    at: facts.when,
    ...(moved && facts.settings.alertChannel ? { alertChannel: facts.settings.alertChannel } : {}),
    ...(saved.changed.includes('whoMayAct') ? { whoMayAct: facts.settings.whoMayAct } : {}),
    ...(saved.utilityApi !== 'unchanged' ? { utilityApi: saved.utilityApi } : {}),
  };
  const message = settingsChangeLine(line);
  if (!message) return;
  const channels = new Set([facts.settings.alertChannel, moved ? saved.previousAlertChannel : null]);
  for (const channel of channels) {
    if (!channel) continue;
    await at.client.chat.postMessage({ channel, ...message }).catch((err: unknown) => {
      at.log.warn({ err, channel }, 'settings change not announced in the channel');
    });
  }
}
