import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import { noticeMessage } from '../../../blocks/notice-message';
import { sendFailedReply } from '../../../blocks/send-failed-message';
import type { AuthorizationState } from '../../../src/domain/authorization';
import {
  DEFAULT_WHO_MAY_ACT,
  SINGLE_WORKSPACE_ID,
  type WhoMayAct,
  type WorkspaceSettings,
} from '../../../src/domain/workspace';
import { createHomeService, type HomeService } from '../../../src/home/home-service';
import { closeServer, createHttpServer, listen } from '../../../src/http/server';
import { createLogger } from '../../../src/logger';
import { createHistoryService } from '../../../src/reauth/history-service';
import { createReauthService, type ReauthService } from '../../../src/reauth/reauth-service';
import { createSuppressionsInMemory } from '../../../src/reauth/suppressions-in-memory';
import { createTriageService } from '../../../src/reauth/triage-service';
import { createSlackPeople } from '../../../src/slack/access/slack-people';
import { createSlackApp, type SlackApp } from '../../../src/slack/app';
import { boltLogger } from '../../../src/slack/bolt-logger';
import { ActionId, BlockId, Command, SEND_ANYWAY_OPTION } from '../../../src/slack/ids';
import { registerListeners } from '../../../src/slack/listeners';
import { SLACK_CONTRACT } from '../../../src/slack/manifest-contract';
import { SlackPath } from '../../../src/slack/receivers';
import { botClients, createSettingsAdmins } from '../../../src/slack/settings-admins';
import { workspaceOfContext } from '../../../src/slack/workspace-of';
import type { AuthorizationStore } from '../../../src/store/authorizations';
import { createHomeStateStore, type HomeStateStore } from '../../../src/store/home-state';
import { createRefusalStore, type RefusalDocument } from '../../../src/store/refusals';
import type { ReauthRequestDocument, RequestStore } from '../../../src/store/requests';
import { createSecretBox } from '../../../src/store/secret-box';
import { createSuppressionStore, type SuppressionStore } from '../../../src/store/suppressions';
import { createWorkspaceStore, type WorkspaceStore } from '../../../src/store/workspaces';
import type { Worklist } from '../../../src/worklist/worklist';
import { createWorkspaceDirectory, type WorkspaceDirectory } from '../../../src/workspaces/directory';
import { createSettingsService, type SettingsService } from '../../../src/workspaces/settings-service';
import { useTestDatabase } from '../../support/database';
import { type ObservedEvent as Observed, observedEvent } from '../../support/events';
import { newRequest } from '../../support/requests';
import {
  type ButtonSource,
  blockActionsPayload,
  interactiveBody,
  signSlackRequest,
  slashCommandBody,
  textInputValue,
  viewSubmissionPayload,
} from '../../support/slack-signing';
import {
  createSlackStandin,
  type PostedMessage,
  type RecordedCall,
  type StoredView,
} from '../../support/slack-standin';
import { countedStepRuns } from '../../support/step-runs';
import { storesWithWorklist } from '../../support/worklist';
import { createResponseUrls, type ResponseUrlPost } from './response-urls';

/*
 * relink's Slack listeners as Slack drives them: a real Bolt app, served on relink's HTTP server,
 * reached by signed interaction, slash command and event requests built from what the Slack stand-in
 * holds, talking to the stand-in's Web API (and answering commands through response_urls), over a real
 * database and the real reauth, worklist and Home services.
 */

export const BOT_TOKEN = 'xoxb-relink-listeners-test-0123456789';
export const SIGNING_SECRET = 'fedcba9876543210fedcba9876543210';
export const TEAM = 'T0RELINK01';
export const ALICE = 'U0ALICE001';
export const ALERTS = 'C0ALERTS01';
/** A channel relink is not a member of: response_url answers reach it, chat.postEphemeral could not. */
export const SUPPORT = 'C0SUPPORT1';
export const SENDER = { name: 'Sunny Solar', email: 'support@sunny.example' };
export const alice = { userId: ALICE, teamId: TEAM };
/** RELINK_PUBLIC_URL as the harness's relink knows it: the start of each webhook URL in Settings. */
export const PUBLIC_URL = 'https://relink.example.test';
/** RELINK_ENCRYPTION_KEY as config hands it on (64 hex characters): the workspace store seals with it. */
export const ENCRYPTION_KEY = randomBytes(32).toString('hex');

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
    // The manifests' scopes, no more: a listener needing another scope fails here as it would in Slack.
    scopes: SLACK_CONTRACT.scopes,
  });
  // The workspace's settings as `settingsFor` hands them to the access guard; tests change who may act.
  const defaultSettings: WorkspaceSettings = {
    alertChannel: ALERTS,
    whoMayAct: DEFAULT_WHO_MAY_ACT,
    cooldownHours: 24,
    expiryWarningDays: [14, 3],
  };
  let settings = defaultSettings;
  let settingsFailure: Error | null = null;
  // How the guard asked for settings: the copy in memory (a click) or as stored (a submit).
  const settingsReads: { teamId: string; stored: boolean }[] = [];
  // The access guard's cache clock, moved an hour on before each test so no test sees another's answers.
  let peopleNow = 0;
  const logLines: string[] = [];
  const log = createLogger(
    { level: 'info', pretty: false },
    { write: (line: string) => logLines.push(line) },
  );
  const responseUrls = createResponseUrls();
  let commands = 0;
  // The worklist's search, slowed or broken on demand (FerretDB's scans at scale; a database outage).
  let searchDelayMs = 0;
  let searchFailure: Error | null = null;
  // The service's and listeners' clock; tests move it to step through cooldowns.
  let now = new Date('2026-03-12T15:00:00.000Z');
  let sends: ReturnType<typeof countedStepRuns> | undefined;
  let queuedBefore = 0;
  let inFlight = 0;
  const harnessCalls = new WeakSet<RecordedCall>();

  let slack: SlackApp | undefined;
  let server: Server | undefined;
  let url = '';
  let authorizations: AuthorizationStore | undefined;
  let requests: RequestStore | undefined;
  let reauth: ReauthService | undefined;
  let suppressions: SuppressionStore | undefined;
  let worklist: Worklist | undefined;
  let homeState: HomeStateStore | undefined;
  let home: HomeService | undefined;
  let workspaces: WorkspaceStore | undefined;
  let directory: WorkspaceDirectory | undefined;
  let settingsService: SettingsService | undefined;
  let direct: WebClient | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the listener harness is only ready inside tests');
    return value;
  };

  beforeAll(async () => {
    const start = await standin.start();
    await responseUrls.start();
    // The stores announce a queued request; that starts the send step, counted here (src/flows/steps.ts).
    sends = countedStepRuns('sendRequests');
    const wired = await storesWithWorklist(db.connection, [sends.listeners]);
    authorizations = wired.authorizations;
    requests = wired.requests;
    // The suppressions kept in memory hear the store, as in src/main.ts: the form reads them there.
    const keptSuppressions = createSuppressionsInMemory();
    suppressions = createSuppressionStore(db.connection, keptSuppressions.listeners);
    await suppressions.init();
    await keptSuppressions.load(suppressions);
    reauth = createReauthService({
      authorizations,
      requests,
      suppressions,
      inMemory: {
        worklist: wired.worklist,
        suppression: keptSuppressions.find,
        cooldownHours: async () => 24,
      },
      cooldownHours: async () => 24,
      clock: () => now,
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
      teamId: TEAM,
    });
    const realWorklist = wired.worklist;
    worklist = {
      ...realWorklist,
      async find(workspaceId, query, limit) {
        if (searchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, searchDelayMs));
        if (searchFailure) throw searchFailure;
        return realWorklist.find(workspaceId, query, limit);
      },
    };
    homeState = createHomeStateStore(db.connection);
    await homeState.init();
    // Settings: the workspace store and directory as src/main.ts builds them in single-workspace mode.
    workspaces = createWorkspaceStore(db.connection, createSecretBox({ key: ENCRYPTION_KEY }));
    await workspaces.init();
    directory = createWorkspaceDirectory({
      mode: 'single',
      store: workspaces,
      defaults: defaultSettings,
      env: { botToken: BOT_TOKEN, utilityapi: null },
      utilityApiClient: () => {
        throw new Error('the listener harness reaches no UtilityAPI');
      },
    });
    settingsService = createSettingsService({
      store: workspaces,
      directory,
      canStoreSecrets: true,
      utilityApiFromEnv: false,
      publicUrl: PUBLIC_URL,
      clock: () => now,
      log,
    });
    // One cache for the guard and the admin check, as in src/main.ts.
    const people = createSlackPeople({ now: () => peopleNow, logger: boltLogger(log) });
    const settingsAdmins = createSettingsAdmins({
      people,
      installerOf: settingsService.installerOf,
      clientFor: botClients({ botToken: directory.botToken, slackApiUrl: start.apiUrl }),
      log,
    });
    home = createHomeService({
      worklist,
      homeState,
      clock: () => now,
      viewerIsAdmin: settingsAdmins.viewerIsAdmin,
    });
    registerListeners(slack.app, {
      workspaceOf: workspaceOfContext(directory.workspaceOfTeam),
      settings: { service: settingsService, admins: settingsAdmins },
      access: {
        people,
        settingsFor: async (teamId, read) => {
          settingsReads.push({ teamId, stored: read?.stored === true });
          if (settingsFailure) throw settingsFailure;
          if (teamId !== TEAM) throw new Error(`no settings for team ${teamId}`);
          return settings;
        },
        refusals: createRefusalStore(db.connection),
      },
      reauth,
      triage: createTriageService({ authorizations, clock: () => now }),
      history: createHistoryService({ authorizations, requests }),
      home,
      worklist,
      suppressions: suppressions.among,
      sender: SENDER,
      clock: () => now,
      log,
    });
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
    await responseUrls.stop();
  });
  beforeEach(() => {
    standin.reset();
    responseUrls.reset();
    searchDelayMs = 0;
    searchFailure = null;
    standinSkewMs = 0;
    queuedBefore = sends?.runs ?? 0;
    logLines.length = 0;
    settings = defaultSettings;
    settingsFailure = null;
    settingsReads.length = 0;
    peopleNow += 3_600_000;
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
  const post = (payload: object, headers: Record<string, string> = {}): Promise<SlackAnswer> =>
    postBody(interactiveBody(payload), 'application/x-www-form-urlencoded', headers);

  async function postBody(
    body: string,
    contentType: 'application/x-www-form-urlencoded' | 'application/json',
    headers: Record<string, string> = {},
  ): Promise<SlackAnswer> {
    const response = await fetch(`${url}${SlackPath.events}`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
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
    /** Addresses customers asked not to be emailed, as the delivery reports record them. */
    get suppressions() {
      return ready(suppressions);
    },
    get requests() {
      return ready(requests);
    },
    get reauth() {
      return ready(reauth);
    },
    get worklist() {
      return ready(worklist);
    },
    get homeState() {
      return ready(homeState);
    },
    get home() {
      return ready(home);
    },
    /** The workspace store behind Settings (sealed with ENCRYPTION_KEY). */
    get workspaces() {
      return ready(workspaces);
    },
    /** Each workspace's effective settings, as relink reads them. */
    get directory() {
      return ready(directory);
    },
    get settingsService() {
      return ready(settingsService);
    },
    /** The workspaces as stored, read and written without relink (sealed values stay sealed). */
    workspaceDocuments: () => db.connection.collection('workspaces'),
    /** The test database, for stores a test builds itself (an inbox behind a webhook route). */
    get connection() {
      return db.connection;
    },
    /** What relink answered through response_urls (slash commands), oldest first. */
    get responses(): readonly ResponseUrlPost[] {
      return responseUrls.posts;
    },
    responseUrls,
    /** Makes `/reauth`'s search take `ms` longer, as a scan of many authorizations on FerretDB does. */
    slowSearch(ms: number) {
      searchDelayMs = ms;
    },
    /** Makes `/reauth`'s search fail, as it would with the database unreachable. */
    failSearch(err: Error) {
      searchFailure = err;
    },
    get now() {
      return now;
    },
    /** Changes who may act in the workspace (its Settings), until the test ends. */
    setWhoMayAct(whoMayAct: WhoMayAct, alertChannel: string | null = ALERTS) {
      settings = { ...defaultSettings, whoMayAct, alertChannel };
    },
    /** How the access guard asked for the workspace's settings since the test began, oldest first. */
    settingsReads: (): readonly { teamId: string; stored: boolean }[] => [...settingsReads],
    /** Makes reading the workspace's settings fail, as with the database unreachable. */
    failSettings(err: Error) {
      settingsFailure = err;
    },
    /** The access refusals in the audit trail (in no particular order: the test clock stands still). */
    refusals: () =>
      db.connection.collection<RefusalDocument>('audit_events').find({ action: 'access.refused' }).toArray(),
    /** The access refusals `act` added to the audit trail. */
    async refusalsDuring(act: () => Promise<unknown>): Promise<RefusalDocument[]> {
      const before = new Set((await h.refusals()).map((r) => r._id));
      await act();
      return (await h.refusals()).filter((r) => !before.has(r._id));
    },
    /** Moves the service's clock forward. */
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    get queuedCount() {
      return (sends?.runs ?? 0) - queuedBefore;
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
    seedBadLogin: (customer: Customer = ada): Promise<string> => h.seed(customer, 'bad_login'),

    /** A request Alice already made (queued, as the reauth service creates it) for Ada's bad login. */
    async seedRequest(authorizationId: string, idempotencyKey: string): Promise<ReauthRequestDocument> {
      const { request } = await h.requests.create(
        newRequest(authorizationId, idempotencyKey, {
          recipient: { name: ada.name, email: ada.email },
          utility: ada.utility,
          requestedBy: alice,
        }),
        h.now,
      );
      return request;
    },

    /** An authorization the platform reported in `state` `ago` ms before the clock. */
    async seed(
      customer: Customer,
      state: AuthorizationState,
      extra: Partial<Observed> & { ago?: number } = {},
    ): Promise<string> {
      const { ago = 0, ...event } = extra;
      const at = new Date(now.getTime() - ago);
      const result = await ready(authorizations).applyByKey(
        {
          workspaceId: SINGLE_WORKSPACE_ID,
          source: 'utilityapi',
          externalId: new Types.ObjectId().toHexString(),
        },
        {
          event: observedEvent(state, at, event),
          customer: { name: customer.name, email: customer.email, utility: customer.utility },
          actor: 'platform',
          now: at,
        },
      );
      return result.authorizationId;
    },

    /** The platform reports the authorization working again (the customer relinked). */
    async markActive(authorizationId: string): Promise<void> {
      const current = await ready(authorizations).findById(authorizationId);
      if (!current) throw new Error(`no authorization ${authorizationId}`);
      await ready(authorizations).applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: current.source, externalId: current.externalId },
        {
          event: observedEvent('active', new Date(now.getTime() + 1000)),
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
          workspaceId: SINGLE_WORKSPACE_ID,
          version: 1,
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
      options: { triggerAgeMs?: number; user?: typeof alice; payload?: (p: object) => object } = {},
    ): Promise<SlackAnswer> {
      const actor = options.user ?? alice;
      const viewId = 'view' in source ? source.view.id : undefined;
      const triggerId = standin.issueTriggerId({ userId: actor.userId, ...(viewId ? { viewId } : {}) });
      const payload = blockActionsPayload({ actor, triggerId, actionId, source });
      standinSkewMs = options.triggerAgeMs ?? 0;
      try {
        return await post(options.payload ? options.payload(payload) : payload);
      } finally {
        standinSkewMs = 0;
      }
    },

    /** Submits `view` with the user's input, as `alice` unless told otherwise; `headers` e.g. for Slack's retry headers. */
    async submit(
      view: ViewOutput,
      values: Record<string, Record<string, ViewStateValue>>,
      options: {
        headers?: Record<string, string>;
        payload?: (p: object) => object;
        user?: typeof alice;
      } = {},
    ): Promise<SlackAnswer> {
      const actor = options.user ?? alice;
      const triggerId = standin.issueTriggerId({ userId: actor.userId, viewId: view.id });
      const payload = viewSubmissionPayload({ actor, triggerId, view, values });
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

    /**
     * Types `/reauth <text>` in `channel`, as `alice` unless told otherwise; the answer comes back
     * through a response_url of its own (`responsesTo(key)`).
     */
    async command(
      text: string,
      options: { user?: typeof alice; channel?: string; triggerAgeMs?: number } = {},
    ): Promise<{ answer: SlackAnswer; key: string }> {
      const actor = options.user ?? alice;
      const key = `command-${++commands}`;
      const body = slashCommandBody({
        actor,
        command: Command.reauth,
        text,
        channelId: options.channel ?? SUPPORT,
        triggerId: standin.issueTriggerId({ userId: actor.userId }),
        responseUrl: responseUrls.url(key),
      });
      standinSkewMs = options.triggerAgeMs ?? 0;
      try {
        return { answer: await postBody(body, 'application/x-www-form-urlencoded'), key };
      } finally {
        standinSkewMs = 0;
      }
    },

    /** What relink answered to one command. */
    responsesTo: (key: string) => responseUrls.posts.filter((p) => p.key === key),

    /** The user opens relink's App Home (or its Messages tab): Slack's `app_home_opened` event. */
    async openHome(options: { user?: typeof alice; tab?: 'home' | 'messages' } = {}): Promise<SlackAnswer> {
      const actor = options.user ?? alice;
      const event = {
        token: 'deprecated-verification-token',
        team_id: actor.teamId,
        api_app_id: 'A0RELINKAPP',
        type: 'event_callback',
        event_id: `Ev${new Types.ObjectId().toHexString().toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          { enterprise_id: null, team_id: actor.teamId, user_id: 'U0RELINKBOT', is_bot: true },
        ],
        event: {
          type: 'app_home_opened',
          user: actor.userId,
          channel: 'D0RELINKDM',
          tab: options.tab ?? 'home',
          event_ts: (Date.now() / 1000).toFixed(6),
        },
      };
      return postBody(JSON.stringify(event), 'application/json');
    },

    /** The Home the stand-in holds for a user (as published last), or undefined if none was. */
    homeOf: (userId: string = ALICE): StoredView | undefined => standin.views.homeByUser.get(userId),

    /** The Home the user sees now; throws if none was published. */
    currentHome(userId: string = ALICE): ViewOutput {
      const stored = standin.views.homeByUser.get(userId);
      if (!stored) throw new Error(`no Home published for ${userId}`);
      return stored.output;
    },

    /** Types `text` in the Home's search box and presses Enter, as `alice`. */
    async searchHome(view: ViewOutput, text: string): Promise<SlackAnswer> {
      const hasSearch = view.blocks.some(
        (b) => b.type === 'input' && 'block_id' in b && b.block_id === BlockId.homeSearch,
      );
      if (!hasSearch) throw new Error('the view has no search input');
      const value = { type: 'plain_text_input', value: text };
      const values = { [BlockId.homeSearch]: { [ActionId.homeSearch]: value } };
      return post({
        type: 'block_actions',
        user: { id: ALICE, username: 'alice', name: 'alice', team_id: TEAM },
        api_app_id: 'A0RELINKAPP',
        token: 'deprecated-verification-token',
        trigger_id: standin.issueTriggerId({ userId: ALICE, viewId: view.id }),
        team: { id: TEAM, domain: 'relink-test' },
        is_enterprise_install: false,
        container: { type: 'view', view_id: view.id },
        view: { ...view, state: { values } },
        state: { values },
        actions: [
          {
            type: 'plain_text_input',
            action_id: ActionId.homeSearch,
            block_id: BlockId.homeSearch,
            value: text,
            action_ts: (Date.now() / 1000).toFixed(6),
          },
        ],
      });
    },

    /**
     * Clicks a button in an ephemeral answer (a `/reauth` list): Slack says `is_ephemeral` and sends no
     * `message`, since an ephemeral message cannot be read back or updated.
     */
    async clickEphemeral(answer: ResponseUrlPost, actionId: string, channel = SUPPORT): Promise<SlackAnswer> {
      const message: PostedMessage = {
        channel,
        ts: '1773327600.000100',
        text: answer.body.text ?? '',
        blocks: (answer.body.blocks ?? []) as PostedMessage['blocks'],
        replies: [],
        user: 'U0RELINKBOT',
        botId: 'B0RELINKBOT',
        updates: 0,
      };
      const triggerId = standin.issueTriggerId({ userId: ALICE });
      const { message: _notSent, ...payload } = blockActionsPayload({
        actor: alice,
        triggerId,
        actionId,
        source: { message },
      }) as ReturnType<typeof blockActionsPayload> & { message?: unknown };
      return post({ ...payload, container: { ...payload.container, is_ephemeral: true } });
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
