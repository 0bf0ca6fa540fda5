import { createMailer, type MailMessage } from '../../src/email/mailer';
import { countedBounces, countedMailer } from '../../src/metrics/counted-email';
import { createMetrics } from '../../src/metrics/metrics';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';

const API_KEY = 'SG.counted-email-key';
const standin = createSendgridStandin({ apiKey: API_KEY });
beforeAll(() => standin.start());
afterAll(() => standin.stop());

const message: MailMessage = {
  requestId: 'r1',
  attempt: 1,
  to: { email: 'jane.doe@example.com', name: 'Jane Doe' },
  rendered: { subject: 'Please reconnect your utility account', text: 'Hello', html: '<p>Hello</p>' },
  templateData: {},
};

const emails = async (metrics: ReturnType<typeof createMetrics>, outcome: string) =>
  sampleValue(parsePrometheusText(await metrics.registry.metrics()), 'relink_emails_total', { outcome });

describe('email counters', () => {
  it('count an email SendGrid accepted as sent, and one it refused as failed', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const mailer = countedMailer(
      createMailer({
        config: {
          apiKey: API_KEY,
          fromEmail: 'alerts@relink.example.com',
          fromName: 'relink',
          apiUrl: standin.url,
          templateId: null,
        },
        log: silentLog(),
      }),
      metrics,
    );
    expect(await emails(metrics, 'sent')).toBe(0);
    await mailer.send(message);
    standin.failNext(400);
    await expect(mailer.send(message)).rejects.toThrow();
    expect(standin.messages).toHaveLength(1);
    expect(await emails(metrics, 'sent')).toBe(1);
    expect(await emails(metrics, 'failed')).toBe(1);
  });

  it('count a bounce once: only the event that marked the request bounced', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const outcomes = ['status_delivered', 'status_bounced', 'stale', 'request_not_found'];
    const apply = countedBounces(async (i: number) => outcomes[i] ?? 'ignored_event', metrics);
    for (let i = 0; i < outcomes.length; i++) await apply(i);
    expect(await emails(metrics, 'bounced')).toBe(1);
  });
});
