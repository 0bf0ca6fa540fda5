import { ActionId } from '../src/slack/ids';
import { askReauthValue } from '../src/slack/metadata';
import {
  blockActionsPayload,
  interactiveBody,
  type SlackActor,
  signSlackRequest,
} from '../test/support/slack-signing';
import type { PostedMessage, SlackStandin } from '../test/support/slack-standin';
import { sleep } from './support';

/** The click cases' clicker: signed block_actions posts on a clock, as Slack sends them. */

export const CLICK_SLACK = {
  botToken: 'xoxb-bench-0123456789',
  signingSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  channel: 'C0BENCHALERTS',
  teamId: 'T0BENCH001',
} as const;
const ACTOR: SlackActor = { userId: 'U0BENCHUSER1', teamId: CLICK_SLACK.teamId };

/** A notice as the stand-in would hold it: just the button, with the value relink puts on it. */
export function noticeWithButton(authorizationId: string, i: number): PostedMessage {
  return {
    channel: CLICK_SLACK.channel,
    ts: `1773327600.${String(100 + i).padStart(6, '0')}`,
    text: 'Bench notice',
    blocks: [
      {
        type: 'actions',
        block_id: 'bench_actions',
        elements: [
          {
            type: 'button',
            action_id: ActionId.askReauth,
            text: { type: 'plain_text', text: 'Ask the utility customer to reauthorize' },
            value: askReauthValue.encode({ v: 1, authorizationId }),
            style: 'primary',
          },
        ],
      },
    ],
    replies: [],
    user: 'U0RELINKBOT',
    botId: 'B0RELINKBOT',
    updates: 0,
  };
}

export interface Click {
  triggerId: string;
  /** Behind schedule by this much when it went out (a busy machine delays the clicker too). */
  lagMs: number;
  /** performance.now() and Date.now() just before the request went out. */
  sentAt: number;
  sentWallMs: number;
  ackMs: number | null;
  status: number | null;
  error?: string;
}

/**
 * Posts `count` signed clicks to `url` at `ratePerSecond`, each scheduled by the clock and never
 * waiting for an earlier answer. Resolves once every click has been answered (or has failed).
 */
export async function clickOpenLoop(input: {
  url: string;
  standin: SlackStandin;
  notices: readonly PostedMessage[];
  count: number;
  ratePerSecond: number;
}): Promise<Click[]> {
  const { url, standin, notices, count } = input;
  const clicks: Click[] = [];
  const inFlight: Promise<void>[] = [];
  const interval = 1000 / input.ratePerSecond;
  const start = performance.now() + 20;
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0.5) await sleep(wait);
    const triggerId = standin.issueTriggerId({ userId: ACTOR.userId });
    const message = notices[i % notices.length] as PostedMessage;
    const body = interactiveBody(
      blockActionsPayload({ actor: ACTOR, triggerId, actionId: ActionId.askReauth, source: { message } }),
    );
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest({ signingSecret: CLICK_SLACK.signingSecret, body }),
    };
    const click: Click = {
      triggerId,
      lagMs: 0,
      sentAt: performance.now(),
      sentWallMs: Date.now(),
      ackMs: null,
      status: null,
    };
    click.lagMs = Math.max(0, click.sentAt - due);
    clicks.push(click);
    inFlight.push(
      fetch(url, { method: 'POST', headers, body })
        .then(async (response) => {
          click.ackMs = performance.now() - click.sentAt;
          click.status = response.status;
          await response.arrayBuffer();
        })
        .catch((err: unknown) => {
          click.error = err instanceof Error ? err.message : String(err);
        }),
    );
  }
  await Promise.all(inFlight);
  return clicks;
}

export const acksOf = (clicks: readonly Click[]) =>
  clicks.filter((c) => c.status === 200 && c.ackMs !== null).map((c) => c.ackMs as number);
