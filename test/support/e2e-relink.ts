import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../src/config';
import { type RunningRelink, type StartOptions, startRelink } from '../../src/main';
import { Command } from '../../src/slack/ids';
import { createResponseUrls } from '../slack/listeners/response-urls';
import { testDatabaseUri, uniqueDbName } from './database';
import { eventually } from './eventually';
import { createSendgridStandin } from './sendgrid-standin';
import { silentLog } from './silent-log';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  type SlackActor,
  slashCommandBody,
  viewSubmissionPayload,
} from './slack-signing';
import { createSlackStandin, type PostedMessage, type SlackStandinOptions } from './slack-standin';
import { appHomeOpenedEvent } from './slack-views';
import { createUtilityApiStandIn, type StandInEvent } from './utilityapi-standin';

/*
 * relink started in-process for an end-to-end test: the Slack, SendGrid and UtilityAPI stand-ins, the
 * config built from one table of test values (a test overrides only what it is about), a database of its
 * own, and a person acting in Slack the way Slack signs it. Child-process tests use relink-world.ts.
 */

/** The values every in-process e2e test starts relink with, unless it overrides them. */
export const E2E = {
  botToken: 'xoxb-e2e-0123456789',
  signingSecret: '0123456789abcdef0123456789abcdef',
  channel: 'C0ALERTS42',
  team: 'T0E2E0001',
  sendgridKey: 'SG.e2e-key',
  utilityApiToken: 'ua-token',
  utilityApiSecret: 'ua-webhook-secret',
} as const;
export const ALICE: SlackActor = { userId: 'U0ALICE42', teamId: E2E.team };

export interface E2eRelinkOptions {
  /** Added or replaced variables; `undefined` leaves one out (e.g. no UtilityAPI token in env). */
  env?: Record<string, string | undefined>;
  /** startRelink's options; default `{ processEvery: 200 }`; always a sole writer unless it says not. */
  start?: StartOptions;
  /** More of the Slack stand-in (its users, channels, scopes). */
  slack?: Partial<SlackStandinOptions>;
  /** The token the UtilityAPI stand-in accepts. */
  utilityApiToken?: string;
  /** Runs once the stand-ins are up, before relink starts (e.g. an account relink's first sync finds). */
  beforeStart?: () => void | Promise<void>;
  /** Verify SendGrid's Event Webhook and have the stand-in post its events to relink. */
  sendgridEvents?: boolean;
  /** How long SendGrid's 202 takes to reach relink after the email is SendGrid's (the stand-in's option). */
  sendgridAnswerLatencyMs?: number;
}

/** Who acts and how: the actor (default Alice), extra headers, and a last change to the payload. */
export interface Acting {
  actor?: SlackActor;
  headers?: Record<string, string>;
  reshape?: (payload: { user: object }) => object;
}

/** Registers beforeAll/afterAll for a relink with its stand-ins; the returned helpers work inside tests. */
export function useE2eRelink(label: string, options: E2eRelinkOptions = {}) {
  const slack = createSlackStandin({ botToken: E2E.botToken, teamId: E2E.team, ...options.slack });
  const sendgrid = createSendgridStandin({
    apiKey: E2E.sendgridKey,
    answerLatencyMs: options.sendgridAnswerLatencyMs ?? 0,
  });
  const utilityapi = createUtilityApiStandIn({ token: options.utilityApiToken ?? E2E.utilityApiToken });
  // Where Slack would post a slash command's answer (its response_url).
  const responseUrls = createResponseUrls();
  let started: { relink: RunningRelink; base: string; direct: WebClient } | undefined;
  let commands = 0;
  const running = () => {
    if (!started) throw new Error(`useE2eRelink(${label}): not started`);
    return started;
  };

  beforeAll(async () => {
    const [s, g, u] = await Promise.all([slack.start(), sendgrid.start(), utilityapi.start()]);
    await responseUrls.start();
    const env: Record<string, string | undefined> = {
      PORT: '0',
      MONGODB_URI: `${testDatabaseUri()}${uniqueDbName(label)}`,
      SLACK_BOT_TOKEN: E2E.botToken,
      SLACK_SIGNING_SECRET: E2E.signingSecret,
      SLACK_ALERT_CHANNEL: E2E.channel,
      SLACK_API_URL: s.apiUrl,
      SENDGRID_API_KEY: E2E.sendgridKey,
      SENDGRID_FROM_EMAIL: 'support@sunny.example',
      SENDGRID_FROM_NAME: 'Sunny Solar',
      SENDGRID_API_URL: g.url,
      ...(options.sendgridEvents ? { SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.eventWebhookPublicKey } : {}),
      UTILITYAPI_TOKEN: options.utilityApiToken ?? E2E.utilityApiToken,
      UTILITYAPI_URL: u.url,
      UTILITYAPI_WEBHOOK_SECRET: E2E.utilityApiSecret,
      ...options.env,
    };
    await options.beforeStart?.();
    const defined = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined);
    const config = loadConfig(Object.fromEntries(defined));
    // One relink on its own database, as on the embedded database in production.
    const relink = await startRelink(config, silentLog(), {
      soleWriter: true,
      ...(options.start ?? { processEvery: 200 }),
    });
    const base = `http://127.0.0.1:${relink.port}`;
    started = { relink, base, direct: new WebClient(E2E.botToken, { slackApiUrl: s.apiUrl }) };
    if (options.sendgridEvents) sendgrid.setEventWebhook({ url: `${base}/webhooks/sendgrid` });
  });
  afterAll(async () => {
    await started?.relink.stop();
    await Promise.all([slack.stop(), sendgrid.stop(), utilityapi.stop(), responseUrls.stop()]);
  });

  const post = (payload: object, by: Acting) =>
    postToSlackEndpoint(
      e2e.endpoint,
      interactiveBody(by.reshape ? by.reshape(payload as { user: object }) : payload),
      E2E.signingSecret,
      undefined,
      by.headers,
    );
  const actorOf = (by: Acting) => by.actor ?? ALICE;
  const openView = (viewId: string): ViewOutput => {
    const stored = slack.views.byId.get(viewId);
    if (!stored) throw new Error(`no view ${viewId}`);
    return stored.output;
  };
  const home = (actor: SlackActor = ALICE) => {
    const stored = slack.views.homeByUser.get(actor.userId);
    if (!stored) throw new Error(`no Home published for ${actor.userId}`);
    return stored.output;
  };
  const topLevel = () => [...slack.messages(E2E.channel).values()].filter((m) => !m.threadTs);

  const e2e = {
    slack,
    sendgrid,
    utilityapi,
    responseUrls,
    get relink() {
      return running().relink;
    },
    /** relink's own address, e.g. for its webhooks. */
    get base() {
      return running().base;
    },
    get endpoint() {
      return `${running().base}/slack/events`;
    },
    /** A Web API client straight to the Slack stand-in: does what Slack itself would. */
    get direct() {
      return running().direct;
    },

    /** Posts an interaction payload to relink's Slack endpoint, signed. */
    interact: (payload: object, by: Acting = {}) => post(payload, by),
    /** Someone clicks the button `actionId` of a message or an open view. */
    click(source: { message: PostedMessage } | { view: ViewOutput }, actionId: string, by: Acting = {}) {
      const viewId = 'view' in source ? source.view.id : undefined;
      const actor = actorOf(by);
      const triggerId = slack.issueTriggerId({ userId: actor.userId, ...(viewId ? { viewId } : {}) });
      return post(blockActionsPayload({ actor, triggerId, actionId, source }), by);
    },
    /** Someone submits an open view with `values`. */
    submit(view: ViewOutput, values: Record<string, Record<string, ViewStateValue>>, by: Acting = {}) {
      const actor = actorOf(by);
      const triggerId = slack.issueTriggerId({ userId: actor.userId, viewId: view.id });
      return post(viewSubmissionPayload({ actor, triggerId, view, values }), by);
    },
    /** Someone types `/reauth <text>`; its answer goes to `responseUrl` (default one of responseUrls). */
    command(text: string, by: Acting & { responseUrl?: string; key?: string; channel?: string } = {}) {
      const actor = actorOf(by);
      const body = slashCommandBody({
        actor,
        command: Command.reauth,
        text,
        channelId: by.channel ?? E2E.channel,
        triggerId: slack.issueTriggerId({ userId: actor.userId }),
        responseUrl: by.responseUrl ?? responseUrls.url(by.key ?? `command-${++commands}`),
      });
      return postToSlackEndpoint(e2e.endpoint, body, E2E.signingSecret, undefined, by.headers);
    },
    /** Posts the `app_home_opened` event for `actor`: relink's HTTP answer. */
    openHome: (actor: SlackActor = ALICE) =>
      postToSlackEndpoint(
        e2e.endpoint,
        JSON.stringify(appHomeOpenedEvent(E2E.team, actor.userId)),
        E2E.signingSecret,
        'application/json',
      ),
    /** Runs `act` (answered 200) and waits for the views.publish it causes: `actor`'s Home then. */
    async publishedBy(act: () => Promise<{ status: number }>, actor: SlackActor = ALICE) {
      const before = slack.callsTo('views.publish').length;
      const status = (await act()).status;
      if (status !== 200) throw new Error(`answered ${status}, not 200`);
      const call = await eventually(
        () => slack.callsTo('views.publish').find((c, i) => i >= before && c.status !== 0),
        'views.publish',
      );
      if (call.error) throw new Error(`views.publish failed: ${call.error}`);
      return home(actor);
    },
    home,
    openView,
    /** The view the first successful views.open at or after call `from` opened. */
    async openedView(from: number): Promise<ViewOutput> {
      const call = await eventually(
        () => slack.calls.slice(from).find((c) => c.method === 'views.open' && c.ok),
        'views.open',
      );
      return openView((call.response as { view: { id: string } }).view.id);
    },
    /** Does what Slack does with `response_action: 'update'`. */
    async applyUpdate(viewId: string, answer: { json?: unknown }) {
      const json = answer.json as { response_action?: string; view?: View };
      expect(json?.response_action).toBe('update');
      await running().direct.views.update({ view_id: viewId, view: json.view as View });
      return openView(viewId);
    },
    /** UtilityAPI posts `events` to relink's webhook, signed: the status relink answered. */
    deliver: (events: Array<Partial<StandInEvent>>) =>
      utilityapi.deliverWebhook({
        url: `${running().base}/webhooks/utilityapi`,
        secret: E2E.utilityApiSecret,
        events,
      }),
    topLevel,
    noticeFor: (name: string) => topLevel().find((m) => JSON.stringify(m.blocks).includes(name)),
    thread: (ts: string) => [...slack.messages(E2E.channel).values()].filter((m) => m.threadTs === ts),
    emailsTo: (email: string) => sendgrid.messages.filter((m) => m.to.includes(email)),
  };
  return e2e;
}
