import type { Server } from 'node:http';
import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import { noticeMessage } from '../../../blocks/notice-message';
import { sendFailedReply } from '../../../blocks/send-failed-message';
import { closeServer, createHttpServer, listen } from '../../../src/http/server';
import { createLogger } from '../../../src/logger';
import { createReauthService, type ReauthService } from '../../../src/reauth/reauth-service';
import { createSlackApp, type SlackApp, SlackPath } from '../../../src/slack/app';
import { ActionId, BlockId, SEND_ANYWAY_OPTION } from '../../../src/slack/ids';
import { registerListeners } from '../../../src/slack/listeners';
import { type AuthorizationStore, createAuthorizationStore } from '../../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../../src/store/models';
import { createOutbox } from '../../../src/store/outbox';
import {
  createRequestStore,
  type ReauthRequestDocument,
  type RequestStore,
} from '../../../src/store/requests';
import { useTestDatabase } from '../../support/database';
import {
  type ButtonSource,
  blockActionsPayload,
  interactiveBody,
  signSlackRequest,
  textInputValue,
  viewSubmissionPayload,
} from '../../support/slack-signing';
import { createSlackStandin, type PostedMessage, type RecordedCall } from '../../support/slack-standin';

/*
 * The Ask flow as Slack drives it: a real Bolt app with relink's listeners, served on relink's HTTP
 * server, reached by signed interaction requests built from what the Slack stand-in holds, talking to
 * the stand-in's Web API, over a real database and the real reauth service.
 */

export const BOT_TOKEN = 'xoxb-relink-listeners-test-0123456789';
export const SIGNING_SECRET = 'fedcba9876543210fedcba9876543210';
export const TEAM = 'T0RELINK01';
export const ALICE = 'U0ALICE001';
export const ALERTS = 'C0ALERTS01';
export const SENDER = { name: 'Sunny Solar', email: 'support@sunny.example' };
export const alice = { userId: ALICE, teamId: TEAM };

export interface Customer {
  name: string;
  email: string;
  utility: string;
}
export const ada: Customer = { name: 'Ada Lovelace', email: 'ada@example.com', utility: 'PG&E' };

export interface SlackAnswer {
  status: number;
  text: string;
  json?: unknown;
}

/** The fields of the reauth form as a user fills them in; `note` and `sendAnyway` only when set. */
export function formValues(input: Customer & { note?: string; sendAnyway?: boolean }) {
  const values: Record<string, Record<string, ViewStateValue>> = {
    [BlockId.customerName]: { [ActionId.customerName]: textInputValue(input.name) },
    [BlockId.customerEmail]: { [ActionId.customerEmail]: textInputValue(input.email, 'email_text_input') },
    [BlockId.utility]: { [ActionId.utility]: textInputValue(input.utility) },
  };
  if (input.note !== undefined) values[BlockId.note] = { [ActionId.note]: textInputValue(input.note) };
  if (input.sendAnyway !== undefined) {
    const option = { text: { type: 'plain_text' as const, text: 'Send anyway' }, value: SEND_ANYWAY_OPTION };
    values[BlockId.sendAnyway] = {
      [ActionId.sendAnyway]: { type: 'checkboxes', selected_options: input.sendAnyway ? [option] : [] },
    };
  }
  return values;
}

/** Every plain and mrkdwn text in a view's blocks, joined: what a person reading it sees. */
export function viewText(view: { blocks: readonly unknown[] }): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(view.blocks);
  return texts.join('\n');
}

/** `initial_value` of each input of a view, by block id. */
export function initialValues(view: { blocks: readonly unknown[] }): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const block of view.blocks as {
    type?: string;
    block_id?: string;
    element?: { initial_value?: string };
  }[]) {
    if (block.type === 'input' && block.block_id) out[block.block_id] = block.element?.initial_value;
  }
  return out;
}

/**
 * Sets up one test file: its own database, a started stand-in, and a started app on a free port.
 * Call at the top of the file; use the returned object inside tests.
 */
export function useListenerHarness(label: string) {
  const db = useTestDatabase(label);
  // Added to the stand-in's clock, so a trigger_id can be made to expire without waiting 3 s.
  let standinSkewMs = 0;
  const standin = createSlackStandin({
    botToken: BOT_TOKEN,
    teamId: TEAM,
    now: () => Date.now() + standinSkewMs,
  });
  const logLines: string[] = [];
  const log = createLogger(
    { level: 'info', pretty: false },
    { write: (line: string) => logLines.push(line) },
  );
  // The service's and listeners' clock; tests move it to step through cooldowns.
  let now = new Date('2026-03-12T15:00:00.000Z');
  let queued = 0;
  let inFlight = 0;
  const harnessCalls = new WeakSet<RecordedCall>();

  let slack: SlackApp | undefined;
  let server: Server | undefined;
  let url = '';
  let authorizations: AuthorizationStore | undefined;
  let requests: RequestStore | undefined;
  let reauth: ReauthService | undefined;
  let direct: WebClient | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the listener harness is only ready inside tests');
    return value;
  };

  beforeAll(async () => {
    const start = await standin.start();
    const models = createModels(db.connection);
    await ensureIndexes(models);
    authorizations = createAuthorizationStore(models);
    requests = createRequestStore(db.connection);
    await requests.init();
    reauth = createReauthService({
      authorizations,
      requests,
      outbox: createOutbox(models),
      cooldownHours: 24,
      clock: () => now,
      onQueued: () => {
        queued += 1;
      },
    });
    slack = createSlackApp({
      config: {
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        appToken: null,
        socketMode: false,
        oauth: null,
        alertChannel: ALERTS,
        apiUrl: start.apiUrl,
      },
      log,
      botId: 'B0RELINKBOT',
      botUserId: 'U0RELINKBOT',
    });
    registerListeners(slack.app, { reauth, sender: SENDER, clock: () => now, log });
    // Bolt answers Slack as soon as a listener acks and keeps running it afterwards; counting requests
    // until processEvent settles (app.error included) lets a test wait for everything a click caused.
    const app = slack.app;
    const processEvent = app.processEvent.bind(app);
    app.processEvent = async (event) => {
      inFlight += 1;
      try {
        await processEvent(event);
      } finally {
        inFlight -= 1;
      }
    };
    await slack.start();
    server = createHttpServer({ routes: slack.routes, log });
    url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    direct = new WebClient(BOT_TOKEN, { slackApiUrl: start.apiUrl });
  });
  afterAll(async () => {
    await slack?.stop();
    if (server) await closeServer(server);
    await standin.stop();
  });
  beforeEach(() => {
    standin.reset();
    standinSkewMs = 0;
    queued = 0;
    logLines.length = 0;
  });

  /** Waits until every request relink has received is fully handled. */
  async function settled(): Promise<void> {
    const deadline = Date.now() + 5_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (Date.now() > deadline) throw new Error('listeners still running after 5 s');
    } while (inFlight > 0);
  }

  /** POSTs an interaction payload to relink signed as Slack signs it, and waits for its listener. */
  async function post(payload: object, headers: Record<string, string> = {}): Promise<SlackAnswer> {
    const body = interactiveBody(payload);
    const response = await fetch(`${url}${SlackPath.events}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest({ signingSecret: SIGNING_SECRET, body }),
        ...headers,
      },
      body,
    });
    const text = await response.text();
    await settled();
    try {
      return { status: response.status, text, json: JSON.parse(text) };
    } catch {
      return { status: response.status, text };
    }
  }

  /** A Web API call made by the test (as Slack itself, or to set the scene), kept out of `listenerCalls`. */
  async function asSlack<T>(call: (client: WebClient) => Promise<T>): Promise<T> {
    const before = standin.calls.length;
    const result = await call(ready(direct));
    for (const c of standin.calls.slice(before)) harnessCalls.add(c);
    return result;
  }

  const h = {
    standin,
    get authorizations() {
      return ready(authorizations);
    },
    get requests() {
      return ready(requests);
    },
    get reauth() {
      return ready(reauth);
    },
    get now() {
      return now;
    },
    /** Moves the service's clock forward. */
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    get queuedCount() {
      return queued;
    },
    /** Log lines written since this test started. */
    logged: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
    /** Every reauth request recorded for an authorization, oldest first. */
    requestsFor: (authorizationId: string) =>
      db.connection
        .collection<ReauthRequestDocument>('reauth_requests')
        .find({ authorizationId: new Types.ObjectId(authorizationId) })
        .sort({ createdAt: 1, _id: 1 })
        .toArray(),
    /** Web API calls relink's listeners made (not the test's own). */
    listenerCalls: (method: string) => standin.callsTo(method).filter((c) => !harnessCalls.has(c)),

    /** A customer whose utility password stopped working: the state that offers the button. */
    async seedBadLogin(customer: Customer = ada): Promise<string> {
      const result = await ready(authorizations).applyByKey(
        { source: 'utilityapi', externalId: new Types.ObjectId().toHexString() },
        {
          event: {
            kind: 'observed',
            at: now,
            state: 'bad_login',
            reason: 'invalid_credentials',
            expiresAt: null,
            declinedAt: null,
            revokedAt: null,
          },
          customer: { name: customer.name, email: customer.email, utility: customer.utility },
          actor: 'platform',
          now,
        },
      );
      return result.authorizationId;
    },

    /** The platform reports the authorization working again (the customer relinked). */
    async markActive(authorizationId: string): Promise<void> {
      const current = await ready(authorizations).findById(authorizationId);
      if (!current) throw new Error(`no authorization ${authorizationId}`);
      await ready(authorizations).applyByKey(
        { source: current.source, externalId: current.externalId },
        {
          event: {
            kind: 'observed',
            at: new Date(now.getTime() + 1000),
            state: 'active',
            reason: null,
            expiresAt: null,
            declinedAt: null,
            revokedAt: null,
          },
          actor: 'platform',
          now: new Date(now.getTime() + 1000),
        },
      );
    },

    /** Posts the notice for an authorization in the alert channel, as relink's notice job would. */
    async postNotice(authorizationId: string, customer: Customer = ada): Promise<PostedMessage> {
      const notice = noticeMessage(
        {
          authorizationId,
          customerName: customer.name,
          customerEmail: customer.email,
          utility: customer.utility,
          status: {
            state: 'bad_login',
            reason: 'invalid_credentials',
            expiresAt: null,
            declinedAt: null,
            revokedAt: null,
            incidentOpen: true,
          },
          since: now,
          lastRequest: null,
        },
        now,
      );
      return h.postMessage({ channel: ALERTS, ...notice });
    },

    /** The "could not send" reply with Retry, in the thread of `notice`. */
    async postSendFailed(notice: PostedMessage, requestId: string): Promise<PostedMessage> {
      const reply = sendFailedReply({ code: 'email_rejected', message: 'Invalid email', requestId });
      return h.postMessage({ channel: notice.channel, thread_ts: notice.ts, ...reply });
    },

    async postMessage(args: { channel: string; text: string; blocks: object[]; thread_ts?: string }) {
      const posted = await asSlack((client) => client.chat.postMessage(args));
      const message = posted.ts ? standin.messages(args.channel).get(posted.ts) : undefined;
      if (!message) throw new Error('the stand-in did not keep the message');
      return message;
    },

    /** Clicks a button in a message or an open view, as `alice` unless told otherwise. */
    async click(
      source: ButtonSource,
      actionId: string,
      options: { triggerAgeMs?: number; user?: typeof alice } = {},
    ): Promise<SlackAnswer> {
      const actor = options.user ?? alice;
      const viewId = 'view' in source ? source.view.id : undefined;
      const triggerId = standin.issueTriggerId({ userId: actor.userId, ...(viewId ? { viewId } : {}) });
      const payload = blockActionsPayload({ actor, triggerId, actionId, source });
      standinSkewMs = options.triggerAgeMs ?? 0;
      try {
        return await post(payload);
      } finally {
        standinSkewMs = 0;
      }
    },

    /** Submits `view` with the user's input, as `alice`; `headers` e.g. for Slack's retry headers. */
    async submit(
      view: ViewOutput,
      values: Record<string, Record<string, ViewStateValue>>,
      options: { headers?: Record<string, string>; payload?: (p: object) => object } = {},
    ): Promise<SlackAnswer> {
      const triggerId = standin.issueTriggerId({ userId: ALICE, viewId: view.id });
      const payload = viewSubmissionPayload({ actor: alice, triggerId, view, values });
      return post(options.payload ? options.payload(payload) : payload, options.headers);
    },

    /** The modal as the stand-in holds it now. */
    openView(viewId: string): ViewOutput {
      const stored = standin.views.byId.get(viewId);
      if (!stored?.isOpen) throw new Error(`view ${viewId} is not open`);
      return stored.output;
    },

    /**
     * Does what Slack does with `response_action: 'update'`: the modal becomes `view` (checked against
     * Block Kit by the stand-in, with a new hash).
     */
    async applyUpdate(viewId: string, answer: SlackAnswer): Promise<ViewOutput> {
      const json = answer.json as { response_action?: string; view?: View } | undefined;
      if (json?.response_action !== 'update' || !json.view) {
        throw new Error(`expected response_action update, got ${answer.text}`);
      }
      const { view } = json;
      await asSlack((client) => client.views.update({ view_id: viewId, view }));
      return h.openView(viewId);
    },

    /** Clicks the notice's button and returns the reauth form the stand-in opened. */
    async openForm(notice: PostedMessage): Promise<ViewOutput> {
      const before = h.listenerCalls('views.open').length;
      expect((await h.click({ message: notice }, ActionId.askReauth)).status).toBe(200);
      const opened = h.listenerCalls('views.open')[before];
      const id = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id;
      if (!opened?.ok || !id) throw new Error(`views.open failed: ${opened?.error ?? 'not called'}`);
      return h.openView(id);
    },

    /** From the notice to the preview: opens the form, fills it in, submits, shows the preview. */
    async openPreview(
      notice: PostedMessage,
      input: Customer & { note?: string; sendAnyway?: boolean } = ada,
    ): Promise<ViewOutput> {
      const form = await h.openForm(notice);
      return h.applyUpdate(form.id, await h.submit(form, formValues(input)));
    },
  };
  return h;
}

export type ListenerHarness = ReturnType<typeof useListenerHarness>;
