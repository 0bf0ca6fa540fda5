import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RelinkError } from '../../../src/domain/errors';
import {
  parseUtilityApiWebhook,
  UTILITYAPI_SALT_HEADER,
  UTILITYAPI_SIGNATURE_HEADER,
  UtilityApiWebhookError,
  verifyUtilityApiSignature,
} from '../../../src/platforms/utilityapi/webhook';
import { createUtilityApiStandIn } from '../../support/utilityapi-standin';

const secret = 'whsec-test-0123456789';
const body = Buffer.from('{"events":[{"uid":"0b346106","type":"authorization_created"}],"next":null}');
const sign = (s: string, salt: string, raw: Buffer) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${s}.${salt}.`), raw]))
    .digest('hex');

describe('verifyUtilityApiSignature', () => {
  const salt = '0934ujsd';
  const signature = sign(secret, salt, body);

  it('accepts the hex SHA-256 of "<secret>.<salt>.<raw body>"', () => {
    expect(verifyUtilityApiSignature({ secret, salt, signature, rawBody: body })).toBe(true);
  });

  it('accepts upper-case hex and surrounding spaces', () => {
    const loud = ` ${signature.toUpperCase()} `;
    expect(verifyUtilityApiSignature({ secret, salt, signature: loud, rawBody: body })).toBe(true);
  });

  it.each([
    ['a changed body', { rawBody: Buffer.from(`${body.toString()} `) }],
    ['another salt', { salt: 'other' }],
    ['another secret', { secret: 'not-the-secret' }],
    ['an empty secret', { secret: '' }],
    ['no salt', { salt: undefined }],
    ['no signature', { signature: null }],
    ['a truncated signature', { signature: signature.slice(0, 62) }],
    ['a non-hex signature', { signature: 'z'.repeat(64) }],
    ['a signature too long', { signature: `${signature}00` }],
  ])('refuses %s', (_name, change) => {
    expect(verifyUtilityApiSignature({ secret, salt, signature, rawBody: body, ...change })).toBe(false);
  });
});

describe('parseUtilityApiWebhook', () => {
  it('keeps events with their type-specific attributes, unknown types included', () => {
    const batch = parseUtilityApiWebhook({
      events: [
        {
          uid: 'e1',
          type: 'authorization_update_finished_errored',
          ts: '2019-01-01T12:32:42.347321+00:00',
          authorization_uid: '12345-678',
          delivery_method: 'webhook',
        },
        { id: 42, type: 'something_new' },
        { uid: 'e3', type: 'ping' },
      ],
      next: null,
    });
    expect(batch.events).toEqual([
      expect.objectContaining({
        uid: 'e1',
        type: 'authorization_update_finished_errored',
        authorization_uid: '12345-678',
        delivery_method: 'webhook',
      }),
      expect.objectContaining({ uid: '42', type: 'something_new', ts: null, authorization_uid: null }),
      expect.objectContaining({ uid: 'e3', type: 'ping' }),
    ]);
  });

  it('accepts an empty batch', () => {
    expect(parseUtilityApiWebhook({ events: [] }).events).toEqual([]);
  });

  it.each([
    ['not an object', 'hello', '(body): '],
    ['no events', {}, 'events: '],
    ['an event without uid', { events: [{ type: 'ping' }] }, 'events.0.uid: an event needs a uid'],
    ['an event without type', { events: [{ uid: 'e1' }] }, 'events.0.type: '],
  ])('refuses %s with a readable issue', (_name, raw, issue) => {
    let caught: unknown;
    try {
      parseUtilityApiWebhook(raw);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UtilityApiWebhookError);
    expect(caught).toBeInstanceOf(RelinkError);
    expect((caught as UtilityApiWebhookError).code).toBe('utilityapi_bad_webhook');
    expect((caught as UtilityApiWebhookError).issues.some((line) => line.startsWith(issue))).toBe(true);
  });
});

describe('a delivery from the stand-in, checked on the raw bytes received', () => {
  const standIn = createUtilityApiStandIn();
  let receiver: Server;
  let url: string;
  const received: Array<{ ok: boolean; types: string[] }> = [];

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      const rawBody = Buffer.concat(chunks);
      const ok = verifyUtilityApiSignature({
        secret,
        salt: req.headers[UTILITYAPI_SALT_HEADER] as string | undefined,
        signature: req.headers[UTILITYAPI_SIGNATURE_HEADER] as string | undefined,
        rawBody,
      });
      const types = ok
        ? parseUtilityApiWebhook(JSON.parse(rawBody.toString())).events.map((e) => e.type)
        : [];
      received.push({ ok, types });
      res.writeHead(ok ? 200 : 401).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/utilityapi`;
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('verifies a genuine batch', async () => {
    const status = await standIn.deliverWebhook({
      url,
      secret,
      events: [{ type: 'authorization_expired', authorization_uid: '1' }],
    });
    expect(status).toBe(200);
    expect(received.at(-1)).toEqual({ ok: true, types: ['authorization_expired'] });
  });

  it('refuses a re-serialized (tampered) body even though its JSON means the same', async () => {
    expect(await standIn.deliverWebhook({ url, secret, events: [{ type: 'ping' }], tamper: true })).toBe(401);
  });

  it('refuses a batch signed with another secret', async () => {
    expect(await standIn.deliverWebhook({ url, secret: 'someone-else', events: [{ type: 'ping' }] })).toBe(
      401,
    );
  });
});
