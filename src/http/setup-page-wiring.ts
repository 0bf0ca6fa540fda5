import type { Config } from '../config';
import { SINGLE_WORKSPACE_ID } from '../domain/workspace';
import { STEPS } from '../flows/steps';
import type { Logger } from '../logger';
import type { BacklogSampler } from '../metrics/backlogs';
import type { Metrics } from '../metrics/metrics';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import type { Workspace } from '../store/workspace-secrets';
import type { Route } from './server';
import { setupRoutes } from './setup-page';
import { createSetupStatus, type SetupStatusDeps } from './setup-status';

/** What the setup page reads from the running relink; src/main.ts hands over its pieces. */
export interface SetupPageSources {
  config: Config;
  log: Logger;
  missingSlack: string[];
  /** Null in setup mode. */
  slack: { status(): 'connected' | 'disconnected' | 'configured' } | null;
  directory: {
    botToken(workspaceId: string): Promise<string | null>;
    settings(workspaceId: string): Promise<{ alertChannel: string | null }>;
    utilityapi: {
      connected(): Promise<string[]>;
      clientFor(workspaceId: string): Promise<UtilityApiClient | null>;
    };
  };
  workspaces: { listActive(): Promise<Workspace[]> };
  outbox: { retryParked(): Promise<number> };
  /** After parked notices were put back: the backlog gauges count again, so the page shows it. */
  afterRetry: () => void;
  metrics: Pick<Metrics, 'lastWebhookAt' | 'lastJobSuccessAt'>;
  backlogs: Pick<BacklogSampler, 'last'>;
}

/** `GET /` and its retry button, built from the running relink's pieces. */
export function setupPageRoutes(s: SetupPageSources): Route[] {
  const { config, directory } = s;
  const slackConfig = config.slack;
  const oauth = Boolean(slackConfig?.oauth);
  const workspaceIds = async () =>
    oauth
      ? (await s.workspaces.listActive()).map((w) => ({ id: w.id, name: w.teamName }))
      : [{ id: SINGLE_WORKSPACE_ID, name: null }];
  const slack: SetupStatusDeps['slack'] =
    s.slack && slackConfig
      ? {
          configured: true,
          transport: slackConfig.appToken ? 'socket' : 'http',
          oauth,
          apiUrl: slackConfig.apiUrl,
          connected: () => s.slack?.status() === 'connected',
          workspaces: async () =>
            Promise.all(
              (await workspaceIds()).map(async ({ id, name }) => ({
                name,
                botToken: await directory.botToken(id),
                channel: (await directory.settings(id)).alertChannel,
              })),
            ),
        }
      : { configured: false, missing: s.missingSlack };
  const status = createSetupStatus({
    publicUrl: config.http.publicUrl,
    slack,
    utilityapi: {
      accounts: async () => {
        const ids = await directory.utilityapi.connected();
        const clients = await Promise.all(ids.map((id) => directory.utilityapi.clientFor(id)));
        return ids.flatMap((workspaceId, i) => {
          const client = clients[i];
          return client ? [{ workspaceId, client }] : [];
        });
      },
      singleWebhook: !oauth,
      webhookSecretSet: config.utilityapi.webhookSecret !== null,
      lastReconcileAt: () => s.metrics.lastJobSuccessAt(STEPS.reconcileUtilityApi.job),
      lastWebhookAt: () => s.metrics.lastWebhookAt('utilityapi'),
    },
    sendgrid: config.sendgrid
      ? {
          apiUrl: config.sendgrid.apiUrl,
          apiKey: config.sendgrid.apiKey,
          fromEmail: config.sendgrid.fromEmail,
          signedEvents: config.sendgrid.webhookPublicKey !== null,
          lastEventAt: () => s.metrics.lastWebhookAt('sendgrid'),
        }
      : null,
    deadLetters: () => ({
      parkedNotices: s.backlogs.last('relink_outbox_parked'),
      poisonedEvents: s.backlogs.last('relink_inbox_poisoned'),
    }),
    log: s.log,
  });
  return setupRoutes({
    status,
    access: config.http.setupPage,
    retryParked: async () => {
      // The outbox announces them: the notice publisher runs at once (src/flows/steps.ts).
      const count = await s.outbox.retryParked();
      s.afterRetry();
      return count;
    },
  });
}
