import { type WebAPICallResult, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics/metrics';
import { classifySlackFailure } from './slack-failures';

/** What the notice publisher's client counts. */
export type PublisherMetrics = Pick<Metrics, 'slackApiError' | 'noticePosted' | 'noticeUpdated'>;

/**
 * A WebClient that counts its calls: failures by method and Slack's error code, and, since only the
 * notice publisher uses it, each message posted (a reply when it has `thread_ts`) or updated. Every
 * method (`chat.postMessage` …) is bound to `apiCall` when the client is built, so overriding
 * `apiCall` is the one place that sees each call with its method name.
 */
export class CountedWebClient extends WebClient {
  constructor(
    token: string,
    options: WebClientOptions,
    private readonly metrics: PublisherMetrics,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    let result: WebAPICallResult;
    try {
      result = await super.apiCall(method, options);
    } catch (err) {
      this.metrics.slackApiError(method, classifySlackFailure(err).code);
      throw err;
    }
    if (method === 'chat.postMessage') this.metrics.noticePosted(options?.thread_ts ? 'reply' : 'notice');
    else if (method === 'chat.update') this.metrics.noticeUpdated();
    return result;
  }
}

/** A CountedWebClient when there are metrics to count into, else a plain WebClient. */
export const countedWebClient = (
  metrics: PublisherMetrics | undefined,
  token: string,
  options: WebClientOptions,
): WebClient => (metrics ? new CountedWebClient(token, options, metrics) : new WebClient(token, options));

/** The notice publisher's client (workspace-slack.ts, `publisherClient`). */
export interface PublisherClientOptions {
  slackApiUrl: string;
  log: Logger;
  metrics?: PublisherMetrics;
}
