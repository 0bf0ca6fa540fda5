import { parentPort, workerData } from 'node:worker_threads';
import type { PostedMessage } from '../test/support/slack-standin';
import { createSlackStandin } from '../test/support/slack-standin';
import { clickOpenLoop } from './click-loop';
import type { SlackSideReply, SlackSideRequest, ViewsOpenRecord } from './slack-side';

/*
 * Slack's side of the click cases, on its own thread: the Slack stand-in and the clicker. Slack's
 * servers are not in relink's process, so the stand-in's own work (reading each views.open, checking its
 * Block Kit, recording it) must not queue behind relink's clicks on one event loop, nor relink's behind it.
 */

const port = parentPort;
if (!port) throw new Error('slack-side-worker runs as a worker thread');
const { botToken, teamId } = workerData as { botToken: string; teamId: string };
const standin = createSlackStandin({ botToken, teamId });

const viewsOpens = (from: number): ViewsOpenRecord[] =>
  standin
    .callsTo('views.open')
    .slice(from)
    .map((call) => ({
      triggerId: String(call.args.trigger_id),
      at: call.at,
      ok: call.ok,
      error: call.error,
      callbackId: (call.args.view as { callback_id?: string } | undefined)?.callback_id,
    }));

async function answer(request: SlackSideRequest): Promise<SlackSideReply> {
  switch (request.kind) {
    case 'start':
      return { kind: 'started', apiUrl: (await standin.start()).apiUrl };
    case 'clicks': {
      const notices = request.notices as PostedMessage[];
      const clicks = await clickOpenLoop({ ...request, notices, standin });
      return { kind: 'clicked', clicks };
    }
    case 'views-opens':
      return { kind: 'views-opens', opens: viewsOpens(request.from) };
    case 'stop':
      await standin.stop();
      return { kind: 'stopped' };
  }
}

port.on('message', (request: SlackSideRequest) => {
  answer(request).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ kind: 'failed', message: String(err) } satisfies SlackSideReply),
  );
});
