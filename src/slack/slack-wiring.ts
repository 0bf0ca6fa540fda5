import type { Config } from '../config';
import { slackSteps } from '../flows/bodies';
import type { Flows } from '../flows/flows';
import { missingSlackVariables } from '../http/setup-page';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { createSlackApp } from '../slack/app';
import { installStoresFor } from '../slack/installation-store';
import { registerListeners } from '../slack/listeners';
import type { BulkListenerDeps } from '../slack/listeners/actions/bulk-deps';
import { followUnsummarizedBulks } from '../slack/listeners/views/bulk-progress';
import { createNoticePublisher } from '../slack/notice-publisher';
import { workspaceOfContext } from '../slack/workspace-of';
import { workspaceSlack } from '../slack/workspace-slack';

/**
 * Slack, when configured: the Bolt app (its routes join our HTTP server) and the notice publisher, the
 * flows' publish step. The publisher owns its retries and pacing, so its client has neither Bolt's
 * retries nor its 429 queueing.
 */
export async function buildSlack(options: {
  config: Config;
  log: Logger;
  services: Services;
  flows: Flows;
  clock: () => Date;
}) {
  const { config, log, services, flows, clock } = options;
  const slackConfig = config.slack;
  if (!slackConfig || missingSlackVariables(slackConfig).length > 0) return null;
  const slack = createSlackApp({
    config: slackConfig,
    log,
    metrics: services.metrics,
    ...installStoresFor({ oauth: slackConfig.oauth, ...services, clock }),
  });
  const workspaceOfInstalledTeam = services.directory.workspaceOfTeam;
  const listenerDeps: BulkListenerDeps = {
    workspaceOf: workspaceOfContext(workspaceOfInstalledTeam),
    access: {
      people: services.people,
      // The guard hears the installation's team; the workspace is that team (OAuth) or the single one.
      settingsFor: (teamId, read) =>
        read?.stored
          ? services.directory.storedSettings(workspaceOfInstalledTeam(teamId))
          : services.directory.settings(workspaceOfInstalledTeam(teamId)),
      refusals: services.refusals,
    },
    reauth: services.reauth,
    triage: services.triage,
    history: services.history,
    reminders: services.reminders,
    home: services.home,
    bulk: services.bulk,
    worklist: services.worklist,
    suppressions: services.kept.suppressions.among,
    // Through the directory, which forgets its cached read of a workspace that removed relink.
    installations: services.directory,
    settings: { service: services.settingsService, admins: services.settingsAdmins },
    sender: { name: config.reauth.senderName, email: config.sendgrid?.fromEmail ?? '' },
    clock,
    log,
  };
  registerListeners(slack.app, listenerDeps);
  const slackFor = workspaceSlack({
    directory: services.directory,
    slackApiUrl: slackConfig.apiUrl,
    log,
    metrics: services.metrics,
  });
  const publisher = createNoticePublisher({
    outbox: services.outbox,
    notices: services.notices,
    noticeData: services.noticeData,
    slackFor,
    clock,
    log: log.child({ component: 'notice-publisher' }),
    digest: {
      store: services.digests,
      settings: config.digest,
      fromFirstSync: services.syncStates.isFirstSyncWork,
    },
  });
  flows.define(slackSteps(publisher));
  // News this process records cuts a pass of follow-ups short (lanes).
  services.observer.listen({ effectsRecorded: publisher.effectsRecorded });
  return {
    ...slack,
    stopPublishing: () => publisher.stop(),
    /** Bulk asks a stop cut short are followed again: progress on the asker's Home, then the summary. */
    followInterruptedBulks: () =>
      followUnsummarizedBulks(listenerDeps, async (id) => (await slackFor(id))?.client ?? null),
  };
}
