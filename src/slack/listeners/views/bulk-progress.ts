import type { WebClient } from '@slack/web-api';
import { bulkSummaryMessage } from '../../../../blocks/bulk-summary-message';
import { homeView } from '../../../../blocks/home-view';
import type { BulkListenerDeps } from '../actions/bulk-deps';

/** Views.publish is Tier 4 (about 100 a minute): one user's progress every few seconds is well inside. */
const PROGRESS_EVERY_MS = 3_000;
/** A bulk ask whose emails are still not all out after this is left to the Home and the notices. */
const FOLLOW_AT_MOST_MS = 60 * 60_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Queues a started bulk ask and follows it: the asker's Home shows "Sending 37 of 212…" and then the
 * outcome; once every email is out, the alert channel gets one summary (claimed, so it is posted once).
 * If relink stops meanwhile, the Home still shows the progress when next opened.
 */
export async function followBulk(
  deps: BulkListenerDeps,
  input: {
    client: WebClient;
    workspaceId: string;
    teamId: string;
    userId: string;
    bulkId: string;
    queue: () => Promise<void>;
  },
): Promise<void> {
  const log = deps.log.child({ component: 'bulk-progress', bulkId: input.bulkId });
  const publish = async () => {
    const { data } = await deps.home.prepare(input.workspaceId, input.userId);
    await input.client.views.publish({ user_id: input.userId, view: homeView(data) });
  };
  const queuing = input.queue().catch((err: unknown) => log.error({ err }, 'bulk ask queue stopped'));
  const every = deps.bulkProgressEveryMs ?? PROGRESS_EVERY_MS;
  const until = Date.now() + FOLLOW_AT_MOST_MS;
  for (;;) {
    // Read before publishing, so the last Home published shows the outcome.
    const progress = await deps.bulk.progress(input.workspaceId, input.bulkId);
    await publish().catch((err: unknown) => log.warn({ err }, 'bulk progress not published'));
    if (!progress || progress.done || Date.now() > until) break;
    await sleep(every);
  }
  await queuing;
  const progress = await deps.bulk.progress(input.workspaceId, input.bulkId);
  if (!progress?.done || !(await deps.bulk.claimSummary(input.bulkId))) return;
  const settings = await deps.access.settingsFor(input.teamId);
  if (!settings.alertChannel) return;
  const message = bulkSummaryMessage(progress, settings.cooldownHours);
  await input.client.chat
    .postMessage({ channel: settings.alertChannel, ...message })
    .catch((err: unknown) => log.warn({ err }, 'bulk summary not posted'));
}

/**
 * At start: follows each bulk ask of the last hour whose summary was not posted (relink stopped while
 * it was queued or sent), so its asker's Home shows the progress again and the alert channel still gets
 * its one summary. Queuing what a stop cut short is the bulk service's own (resumeUnfinished).
 */
export async function followUnsummarizedBulks(
  deps: BulkListenerDeps,
  clientFor: (workspaceId: string) => Promise<WebClient | null>,
): Promise<number> {
  const open = await deps.bulk.unsummarized(FOLLOW_AT_MOST_MS);
  for (const plan of open) {
    const client = await clientFor(plan.workspaceId);
    if (!client) continue;
    void followBulk(deps, {
      client,
      workspaceId: plan.workspaceId,
      teamId: plan.requestedBy.teamId,
      userId: plan.requestedBy.userId,
      bulkId: plan.bulkId,
      queue: async () => {},
    }).catch((err: unknown) =>
      deps.log.warn({ err, bulkId: plan.bulkId }, 'interrupted bulk ask not followed'),
    );
  }
  return open.length;
}
