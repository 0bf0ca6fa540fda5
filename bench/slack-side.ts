import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PostedMessage } from '../test/support/slack-standin';
import type { Click } from './click-loop';

/** One views.open as the stand-in answered it, in the few fields the click cases read. */
export interface ViewsOpenRecord {
  triggerId: string;
  /** Wall clock (Date.now()) when it reached the stand-in. */
  at: number;
  ok: boolean;
  error?: string;
  callbackId?: string;
}

export type SlackSideRequest =
  | { kind: 'start' }
  | { kind: 'clicks'; url: string; notices: PostedMessage[]; count: number; ratePerSecond: number }
  /** The views.open calls from the `from`-th on. */
  | { kind: 'views-opens'; from: number }
  | { kind: 'stop' };

export type SlackSideReply =
  | { kind: 'started'; apiUrl: string }
  | { kind: 'clicked'; clicks: Click[] }
  | { kind: 'views-opens'; opens: ViewsOpenRecord[] }
  | { kind: 'stopped' }
  | { kind: 'failed'; message: string };

/** The Slack stand-in and the clicker on a worker thread (slack-side-worker.ts), asked one thing at a time. */
export interface SlackSide {
  apiUrl: string;
  clicks(input: {
    url: string;
    notices: PostedMessage[];
    count: number;
    ratePerSecond: number;
  }): Promise<Click[]>;
  viewsOpens(from: number): Promise<ViewsOpenRecord[]>;
  stop(): Promise<void>;
}

export async function startSlackSide(slack: { botToken: string; teamId: string }): Promise<SlackSide> {
  const worker = new Worker(join(__dirname, 'slack-side-worker.js'), { workerData: slack });
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <K extends SlackSideReply['kind']>(request: SlackSideRequest, expected: K) => {
    const asked = queue.then(
      () =>
        new Promise<Extract<SlackSideReply, { kind: K }>>((resolve, reject) => {
          const onError = (err: Error) => reject(err);
          worker.once('error', onError);
          worker.once('message', (reply: SlackSideReply) => {
            worker.off('error', onError);
            if (reply.kind === expected) resolve(reply as Extract<SlackSideReply, { kind: K }>);
            else reject(new Error(`Slack side: ${reply.kind === 'failed' ? reply.message : reply.kind}`));
          });
          worker.postMessage(request);
        }),
    );
    queue = asked.catch(() => undefined);
    return asked;
  };
  const { apiUrl } = await ask({ kind: 'start' }, 'started');
  return {
    apiUrl,
    clicks: async (input) => (await ask({ kind: 'clicks', ...input }, 'clicked')).clicks,
    viewsOpens: async (from) => (await ask({ kind: 'views-opens', from }, 'views-opens')).opens,
    async stop() {
      await ask({ kind: 'stop' }, 'stopped');
      await worker.terminate();
    },
  };
}
