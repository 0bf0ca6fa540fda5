import { Client } from '@sendgrid/client';
import type { MailDataRequired, ResponseError } from '@sendgrid/mail';
import { MailService } from '@sendgrid/mail';
import { createSendgridStandin, validateMailSend } from './sendgrid-standin';

const API_KEY = 'SG.relink-test-key';
const standin = createSendgridStandin({ apiKey: API_KEY });

beforeAll(() => standin.start());
afterAll(() => standin.stop());
beforeEach(() => standin.reset());

/** @sendgrid/mail wired to the stand-in exactly as DESIGN.md prescribes (setApiKey resets baseUrl). */
function mailerWith(apiKey = API_KEY): MailService {
  const client = new Client();
  client.setApiKey(apiKey);
  client.setDefaultRequest('baseUrl', standin.url);
  const mail = new MailService();
  mail.setClient(client);
  return mail;
}

const email = (over: Partial<MailDataRequired> = {}): MailDataRequired =>
  ({
    to: { email: 'ada@example.com', name: 'Ada Lovelace' },
    from: { email: 'alerts@relink.example', name: 'relink' },
    subject: 'Please reconnect your PG&E account',
    text: 'Use this link to reconnect: https://utilityapi.com/authorize/x',
    html: '<p>Use <a href="https://utilityapi.com/authorize/x">this link</a> to reconnect.</p>',
    customArgs: { reauthRequestId: 'r1' },
    categories: ['reauth'],
    ...over,
  }) as MailDataRequired;

/** The ResponseError @sendgrid/mail rejected with. */
async function rejection(send: Promise<unknown>): Promise<ResponseError> {
  const err = await send.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof Error) || err.constructor.name !== 'ResponseError') throw err;
  return err as ResponseError;
}

const errorsOf = (err: ResponseError) =>
  (
    err.response.body as unknown as {
      errors: { message: string; field: string | null; help: string | null }[];
    }
  ).errors;

describe('SendGrid stand-in: accepted mail', () => {
  it('answers 202 with an X-Message-Id that mail.send() exposes, and records the message', async () => {
    const [response, body] = await mailerWith().send(email());
    expect(response.statusCode).toBe(202);
    expect(body).toBe('');
    const messageId = response.headers['x-message-id'];
    expect(messageId).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{22}$/));
    expect(standin.messages).toEqual([
      expect.objectContaining({
        messageId,
        from: 'alerts@relink.example',
        to: ['ada@example.com'],
        subject: 'Please reconnect your PG&E account',
        customArgs: { reauthRequestId: 'r1' },
        categories: ['reauth'],
      }),
    ]);
    expect(standin.messages[0]?.text).toContain('https://utilityapi.com/authorize/x');
  });

  it('gives every accepted message its own id', async () => {
    const mail = mailerWith();
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await mail.send(email()))[0].headers['x-message-id']),
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('accepts a dynamic template with its data instead of subject and content', async () => {
    const send = mailerWith().send({
      to: 'ada@example.com',
      from: 'alerts@relink.example',
      templateId: 'd-0123456789abcdef',
      dynamicTemplateData: { name: 'Ada', link: 'https://utilityapi.com/authorize/x' },
    });
    await expect(send).resolves.toEqual([expect.objectContaining({ statusCode: 202 }), '']);
    expect(standin.messages[0]?.templateId).toBe('d-0123456789abcdef');
  });
});

describe('SendGrid stand-in: authentication', () => {
  it('refuses a wrong key with 401 and errors[]', async () => {
    const err = await rejection(mailerWith('SG.wrong').send(email()));
    expect(err.code).toBe(401);
    expect(errorsOf(err)).toEqual([
      {
        message: 'The provided authorization grant is invalid, expired, or revoked',
        field: null,
        help: null,
      },
    ]);
    expect(standin.messages).toHaveLength(0);
  });

  it('refuses a request without Authorization', async () => {
    const response = await fetch(`${standin.url}/v3/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ field: null })] });
  });
});

describe('SendGrid stand-in: validation', () => {
  const cases: [string, Partial<MailDataRequired> & Record<string, unknown>, string | null][] = [
    ['an invalid recipient', { to: 'not-an-email' }, 'personalizations.0.to.0.email'],
    ['an invalid sender', { from: 'alerts@relink' }, 'from.email'],
    ['no content', { text: undefined, html: undefined }, 'content'],
    [
      'html before text',
      {
        text: undefined,
        html: undefined,
        content: [
          { type: 'text/html', value: '<p>x</p>' },
          { type: 'text/plain', value: 'x' },
        ],
      },
      'content',
    ],
    ['empty content', { text: '', html: undefined }, 'content.0.value'],
    ['no subject', { subject: undefined }, 'subject'],
    ['a non-string custom arg', { customArgs: { attempt: 1 } }, 'custom_args.attempt'],
    ['11 categories', { categories: Array.from({ length: 11 }, (_, i) => `c${i}`) }, 'categories'],
    ['a category over 255 characters', { categories: ['c'.repeat(256)] }, 'categories.0'],
    ['a legacy template id', { templateId: '13b8f94f-bcae-4ec6-b752-70d6cb59f932' }, 'template_id'],
    [
      'a recipient twice',
      { to: { email: 'ada@example.com' }, cc: { email: 'ADA@example.com' } },
      'personalizations.0',
    ],
  ];

  it.each(cases)('answers 400 with errors[] for %s', async (_name, over, field) => {
    const err = await rejection(mailerWith().send(email(over)));
    expect(err.code).toBe(400);
    expect(errorsOf(err)).toContainEqual(expect.objectContaining({ field, message: expect.any(String) }));
    expect(standin.messages).toHaveLength(0);
  });

  it('requires dynamic_template_data with a dynamic template', async () => {
    const send = mailerWith().send({
      to: 'ada@example.com',
      from: 'alerts@relink.example',
      templateId: 'd-abc123',
    });
    const err = await rejection(send);
    expect(errorsOf(err)).toContainEqual(
      expect.objectContaining({ field: 'personalizations.0.dynamic_template_data' }),
    );
  });

  it('refuses more than 1000 recipients', async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `customer${i}@example.com`);
    const err = await rejection(mailerWith().send(email({ to })));
    expect(errorsOf(err)).toContainEqual(
      expect.objectContaining({
        message: 'There is a limit of 1000 total recipients (to + cc + bcc) per request.',
      }),
    );
  });

  it('refuses a payload over 30 MB with 413', async () => {
    const client = new Client();
    client.setApiKey(API_KEY);
    client.setDefaultRequest('baseUrl', standin.url);
    const body = { ...validBody(), content: [{ type: 'text/plain', value: 'x'.repeat(30 * 1024 * 1024) }] };
    const err = await rejection(client.request({ method: 'POST', url: '/v3/mail/send', body }));
    expect(err.code).toBe(413);
  });

  it('lists every problem of a request at once, as SendGrid does', () => {
    expect(validateMailSend(validBody())).toEqual([]);
    const fields = validateMailSend({ personalizations: [], from: { email: 'x' } }).map((e) => e.field);
    expect(fields).toEqual(['personalizations', 'from.email', 'subject', 'content']);
  });
});

describe('SendGrid stand-in: failures on demand', () => {
  it('answers 429 with rate-limit headers, the given number of times', async () => {
    standin.failNext(429, { times: 2, retryAfterSeconds: 30 });
    const mail = mailerWith();
    for (let i = 0; i < 2; i++) {
      const err = await rejection(mail.send(email()));
      expect(err.code).toBe(429);
      expect(errorsOf(err)).toEqual([expect.objectContaining({ message: 'too many requests' })]);
      const reset = Number(err.response.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
    }
    await expect(mail.send(email())).resolves.toEqual([expect.objectContaining({ statusCode: 202 }), '']);
    expect(standin.messages).toHaveLength(1);
    expect(standin.requests.map((r) => r.status)).toEqual([429, 429, 202]);
  });

  it('answers 500 with the given errors', async () => {
    const errors = [{ message: 'upstream failure', field: null, help: null }];
    standin.failNext(500, { errors });
    const err = await rejection(mailerWith().send(email()));
    expect(err.code).toBe(500);
    expect(errorsOf(err)).toEqual(errors);
  });

  it('answers 503 while down, or drops connections, then recovers', async () => {
    const mail = mailerWith();
    standin.setDown(true);
    expect((await rejection(mail.send(email()))).code).toBe(503);
    standin.setDown(true, 'reset');
    const dropped = await mail.send(email()).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(Error);
    expect((dropped as Error).constructor.name).not.toBe('ResponseError');
    standin.setDown(false);
    await expect(mail.send(email())).resolves.toBeTruthy();
  });
});

function validBody(): Record<string, unknown> {
  return {
    personalizations: [{ to: [{ email: 'ada@example.com' }] }],
    from: { email: 'alerts@relink.example' },
    subject: 'Please reconnect',
    content: [
      { type: 'text/plain', value: 'x' },
      { type: 'text/html', value: '<p>x</p>' },
    ],
  };
}
