import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createMailer, MailError, type MailerConfig, type MailMessage } from '../../src/email/mailer';
import { renderReauthEmail } from '../../src/email/reauth-email';
import { createLogger } from '../../src/logger';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';

const API_KEY = 'SG.relink-mailer-test-key.abcdef';
const standin = createSendgridStandin({ apiKey: API_KEY });

beforeAll(() => standin.start());
afterAll(() => standin.stop());
beforeEach(() => {
  standin.reset();
  standin.setDown(false);
});

const config = (over: Partial<MailerConfig> = {}): MailerConfig => ({
  apiKey: API_KEY,
  fromEmail: 'alerts@acme-solar.example',
  fromName: 'Acme Solar',
  apiUrl: standin.url,
  templateId: null,
  ...over,
});

const rendered = renderReauthEmail({
  customerName: 'Jane Doe',
  utility: 'PG&E',
  reason: { state: 'bad_login', reason: 'invalid_credentials' },
  note: null,
  senderName: 'Acme Solar',
  reauthUrl: 'https://utilityapi.com/authorize/abc',
});

const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  requestId: 'req-1',
  attempt: 1,
  to: { email: 'jane.doe@example.com', name: 'Jane Doe' },
  rendered,
  templateData: {
    customerName: 'Jane Doe',
    utility: 'PG&E',
    reauthUrl: 'https://utilityapi.com/authorize/abc',
  },
  ...over,
});

async function failure(send: Promise<unknown>): Promise<MailError> {
  const err = await send.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof MailError)) throw err;
  return err;
}

describe('createMailer: accepted mail', () => {
  it('sends text then HTML from the configured sender, tagged with the request id, and returns X-Message-Id', async () => {
    const mailer = createMailer({ config: config(), log: silentLog() });
    const { messageId } = await mailer.send(message());

    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(standin.messages).toHaveLength(1);
    const sent = standin.messages[0]!;
    expect(sent.messageId).toBe(messageId);
    expect(sent.to).toEqual(['jane.doe@example.com']);
    expect(sent.from).toBe('alerts@acme-solar.example');
    expect(sent.body.from).toEqual({ email: 'alerts@acme-solar.example', name: 'Acme Solar' });
    expect(sent.body.personalizations).toEqual([
      expect.objectContaining({ to: [{ email: 'jane.doe@example.com', name: 'Jane Doe' }] }),
    ]);
    expect(sent.subject).toBe('Please relink your PG&E account');
    expect(sent.body.content).toEqual([
      { type: 'text/plain', value: rendered.text },
      { type: 'text/html', value: rendered.html },
    ]);
    expect(sent.customArgs).toEqual({ relink_request_id: 'req-1', relink_attempt: '1' });
    expect(sent.categories).toEqual(['reauth_request']);
    expect(sent.templateId).toBeUndefined();
  });

  it('softens a recipient name SendGrid would refuse (commas and semicolons)', async () => {
    const mailer = createMailer({ config: config(), log: silentLog() });
    await mailer.send(message({ to: { email: 'jane.doe@example.com', name: 'Doe, Jane; Acct 7' } }));
    expect(standin.messages[0]?.body.personalizations).toEqual([
      expect.objectContaining({ to: [{ email: 'jane.doe@example.com', name: 'Doe Jane Acct 7' }] }),
    ]);
  });

  it('with a template id, sends the dynamic template with its data and subject instead of content', async () => {
    const templateId = 'd-0123456789abcdef0123456789abcdef';
    const mailer = createMailer({ config: config({ templateId }), log: silentLog() });
    const { messageId } = await mailer.send(message({ templateData: { customerName: 'Jane', note: null } }));

    const sent = standin.messages[0]!;
    expect(sent.messageId).toBe(messageId);
    expect(sent.templateId).toBe(templateId);
    expect(sent.body.content).toBeUndefined();
    expect(sent.body.subject).toBeUndefined();
    expect(sent.body.personalizations).toEqual([
      expect.objectContaining({
        dynamic_template_data: {
          customerName: 'Jane',
          note: null,
          subject: 'Please relink your PG&E account',
        },
      }),
    ]);
    expect(sent.customArgs).toEqual({ relink_request_id: 'req-1', relink_attempt: '1' });
    expect(sent.categories).toEqual(['reauth_request']);
  });
});

describe('createMailer: failures', () => {
  it('turns a 400 into email_rejected, not retryable, with SendGrid’s first error message', async () => {
    standin.failNext(400, {
      errors: [
        { message: 'The from address does not match a verified Sender Identity.', field: 'from', help: null },
        { message: 'second problem', field: null, help: null },
      ],
    });
    const err = await failure(createMailer({ config: config(), log: silentLog() }).send(message()));
    expect(err).toMatchObject({ code: 'email_rejected', retryable: false, retryAfterMs: null, status: 400 });
    expect(err.message).toContain('The from address does not match a verified Sender Identity. (from)');
    expect(err.message).not.toContain('second problem');
  });

  it('masks a customer email that SendGrid quotes in its error', async () => {
    standin.failNext(400, {
      errors: [
        {
          message: 'We found the first duplicate instance of [jane.doe@example.com].',
          field: null,
          help: null,
        },
      ],
    });
    const err = await failure(createMailer({ config: config(), log: silentLog() }).send(message()));
    expect(err.message).toContain('[j***@e***.com]');
    expect(err.message).not.toContain('jane.doe@example.com');
  });

  it('turns a wrong API key (401) into email_auth_failed that says to check SENDGRID_API_KEY', async () => {
    const wrongKey = 'SG.not-the-right-key';
    const err = await failure(
      createMailer({ config: config({ apiKey: wrongKey }), log: silentLog() }).send(message()),
    );
    expect(err).toMatchObject({ code: 'email_auth_failed', retryable: false, status: 401 });
    expect(err.message).toContain('SENDGRID_API_KEY');
    expect(err.message).not.toContain(wrongKey);
    expect(standin.messages).toHaveLength(0);
  });

  it('turns a 429 into email_unavailable, retryable after X-RateLimit-Reset, and does not retry itself', async () => {
    standin.failNext(429, { retryAfterSeconds: 30 });
    const err = await failure(createMailer({ config: config(), log: silentLog() }).send(message()));
    expect(err).toMatchObject({ code: 'email_unavailable', retryable: true, status: 429 });
    // X-RateLimit-Reset is whole seconds: the wait is 29–30 s from now.
    expect(err.retryAfterMs).toBeGreaterThan(28_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(standin.requests).toHaveLength(1);
  });

  it('measures the 429 wait against the injected clock', async () => {
    const resetAt = Math.floor(Date.now() / 1000) + 30;
    standin.failNext(429, { retryAfterSeconds: 30 });
    const now = () => (resetAt - 12) * 1000;
    const err = await failure(createMailer({ config: config(), log: silentLog(), now }).send(message()));
    // The stand-in and the test read the wall clock in the same second, or one apart.
    expect([12_000, 13_000]).toContain(err.retryAfterMs);
  });

  it.each([500, 503] as const)(
    'turns a %i into email_unavailable, retryable, without retrying',
    async (status) => {
      standin.failNext(status);
      const err = await failure(createMailer({ config: config(), log: silentLog() }).send(message()));
      expect(err).toMatchObject({ code: 'email_unavailable', retryable: true, retryAfterMs: null, status });
      expect(standin.requests).toHaveLength(1);
    },
  );

  it('treats SendGrid answering 503 as email_unavailable, retryable', async () => {
    const mailer = createMailer({ config: config(), log: silentLog() });
    standin.setDown(true);
    await expect(mailer.send(message())).rejects.toMatchObject({
      code: 'email_unavailable',
      retryable: true,
    });
    standin.setDown(false);
    await expect(mailer.send(message())).resolves.toEqual({ messageId: expect.any(String) });
    expect(standin.messages).toHaveLength(1);
  });

  it('makes a connection dropped after the request was written an unknown outcome, never retryable', async () => {
    const mailer = createMailer({ config: config(), log: silentLog() });
    standin.setDown(true, 'reset');
    const dropped = await failure(mailer.send(message()));
    expect(dropped).toMatchObject({ code: 'send_outcome_unknown', retryable: false, status: null });
    // The stand-in read the whole request before dropping it: SendGrid could have accepted it.
    expect(standin.requests).toHaveLength(1);
    expect(standin.requests[0]?.body).toMatchObject({ custom_args: { relink_request_id: 'req-1' } });
  });

  it('makes a 5xx that names a message an unknown outcome, and one that does not retryable', async () => {
    const mailer = createMailer({ config: config(), log: silentLog() });
    standin.failNext(500, { messageId: 'half-accepted-0000000001' });
    expect(await failure(mailer.send(message()))).toMatchObject({
      code: 'send_outcome_unknown',
      retryable: false,
      status: 500,
    });
    standin.failNext(500);
    expect(await failure(mailer.send(message()))).toMatchObject({
      code: 'email_unavailable',
      retryable: true,
    });
  });

  it('makes a SendGrid that never answers an unknown outcome after the timeout, never retryable', async () => {
    const silent = createServer(() => {
      // Reads the request and never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const apiUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const mailer = createMailer({ config: config({ apiUrl }), log: silentLog(), timeoutMs: 200 });
      expect(mailer.timeoutMs).toBe(200);
      const started = Date.now();
      const err = await failure(mailer.send(message()));
      expect(err).toMatchObject({ code: 'send_outcome_unknown', retryable: false, status: null });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('treats a refused connection (nothing was written) as email_unavailable, retryable', async () => {
    const closed = createSendgridStandin({ apiKey: API_KEY });
    const { url } = await closed.start();
    await closed.stop();
    const err = await failure(
      createMailer({ config: config({ apiUrl: url }), log: silentLog() }).send(message()),
    );
    expect(err).toMatchObject({ code: 'email_unavailable', retryable: true, status: null });
  });
});

describe('createMailer: isolation and logs', () => {
  it('keeps two mailers with different keys and URLs apart in one process', async () => {
    const otherKey = 'SG.second-tenant-key';
    const other = createSendgridStandin({ apiKey: otherKey });
    await other.start();
    try {
      const first = createMailer({ config: config(), log: silentLog() });
      const second = createMailer({
        config: config({ apiKey: otherKey, apiUrl: other.url, fromEmail: 'hello@second.example' }),
        log: silentLog(),
      });
      const [a, b] = await Promise.all([
        first.send(message({ requestId: 'first' })),
        second.send(message({ requestId: 'second' })),
      ]);
      // Each stand-in only accepts its own key: a crossed key or URL would be a 401 or a missing message.
      expect(standin.messages.map((m) => [m.messageId, m.from, m.customArgs])).toEqual([
        [a.messageId, 'alerts@acme-solar.example', { relink_request_id: 'first', relink_attempt: '1' }],
      ]);
      expect(other.messages.map((m) => [m.messageId, m.from, m.customArgs])).toEqual([
        [b.messageId, 'hello@second.example', { relink_request_id: 'second', relink_attempt: '1' }],
      ]);
    } finally {
      await other.stop();
    }
  });

  it('never writes the API key or the full customer email to the log, even when the error is logged', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createLogger({ level: 'trace', pretty: false }, destination);
    const mailer = createMailer({ config: config(), log });

    await mailer.send(message());
    standin.failNext(400, {
      errors: [{ message: 'bad recipient jane.doe@example.com', field: 'personalizations.0.to', help: null }],
    });
    const rejected = await failure(mailer.send(message()));
    standin.setDown(true, 'reset');
    const dropped = await failure(mailer.send(message()));
    standin.setDown(false);
    const unauthorized = await failure(
      createMailer({ config: config({ apiKey: 'SG.wrong-key-in-logs' }), log }).send(message()),
    );
    // What the caller's job will do with a failure: log it once, err included.
    for (const err of [rejected, dropped, unauthorized]) log.error({ err }, 'reauth send failed');

    const output = lines.join('');
    expect(output).toContain('email accepted by SendGrid');
    expect(output).toContain('j***@e***.com');
    expect(output).toContain('req-1');
    expect(output).not.toContain('jane.doe@example.com');
    expect(output).not.toContain(API_KEY);
    expect(output).not.toContain('relink-mailer-test-key');
    expect(output).not.toContain('SG.wrong-key-in-logs');
    expect(output).not.toMatch(/Bearer/i);
  });
});
