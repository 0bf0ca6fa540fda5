import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  deliveryStatusFor,
  parseSendgridEvents,
  type SendgridSignatureInput,
  verifySendgridSignature,
  xMessageIdOf,
} from '../../src/email/event-webhook';

const newKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const { privateKey, publicKey } = newKeyPair();
/** The verification key as SendGrid's settings page shows it. */
const asSendgridShowsIt = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).toString('base64');

const now = new Date('2026-03-01T12:00:00Z');
const nowSeconds = String(now.getTime() / 1000);
const body = Buffer.from(
  JSON.stringify([
    {
      email: 'jane.doe@example.com',
      event: 'delivered',
      sg_event_id: 'ZGVsaXZlcmVkLTAtMTIzNDU2',
      sg_message_id: '14c5d75ce93.dfd.64b469',
      timestamp: 1772366400,
      relink_request_id: 'req-1',
    },
  ]),
);

function signed(over: Partial<SendgridSignatureInput> = {}, key = privateKey): SendgridSignatureInput {
  const timestamp = over.timestamp ?? nowSeconds;
  const rawBody = over.rawBody ?? body;
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), rawBody]), {
    key,
    dsaEncoding: 'der',
  }).toString('base64');
  return { publicKey: asSendgridShowsIt(publicKey), signature, timestamp, rawBody, now, ...over };
}

describe('verifySendgridSignature', () => {
  it('accepts timestamp + raw body signed by the key SendGrid shows', () => {
    expect(verifySendgridSignature(signed())).toBe(true);
  });

  it('accepts SendGrid’s own published example (key, signature, timestamp and payload)', () => {
    // Known-answer vector from SendGrid's Node library tests (packages/eventwebhook), checked against real keys.
    const input: SendgridSignatureInput = {
      publicKey:
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
      signature:
        'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
      timestamp: '1588788367',
      rawBody: Buffer.from('{"category":"example_payload","event":"test_event","message_id":"message_id"}'),
      now: new Date(1588788367 * 1000 + 60_000),
    };
    expect(verifySendgridSignature(input)).toBe(true);
    expect(verifySendgridSignature({ ...input, rawBody: Buffer.from('payload') })).toBe(false);
  });

  it('also accepts the key pasted as PEM', () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifySendgridSignature(signed({ publicKey: pem }))).toBe(true);
  });

  it('refuses a tampered body', () => {
    const input = signed();
    const tampered = Buffer.from(input.rawBody.toString().replace('delivered', 'bounce'));
    expect(verifySendgridSignature({ ...input, rawBody: tampered })).toBe(false);
  });

  it('refuses a re-serialized body: only the exact bytes verify', () => {
    const input = signed({ rawBody: Buffer.from('[ {"event": "open"} ]') });
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(input.rawBody.toString())));
    expect(verifySendgridSignature({ ...input, rawBody: reserialized })).toBe(false);
  });

  it('refuses a timestamp that differs from the signed one', () => {
    const input = signed();
    expect(verifySendgridSignature({ ...input, timestamp: String(Number(nowSeconds) - 1) })).toBe(false);
  });

  it('refuses a signature by another key', () => {
    const other = newKeyPair();
    expect(verifySendgridSignature(signed({}, other.privateKey))).toBe(false);
    expect(verifySendgridSignature(signed({ publicKey: asSendgridShowsIt(other.publicKey) }))).toBe(false);
  });

  it('refuses a stale or far-future timestamp, inside the window accepts', () => {
    const at = (offsetSeconds: number) => String(Number(nowSeconds) + offsetSeconds);
    expect(verifySendgridSignature(signed({ timestamp: at(-301) }))).toBe(false);
    expect(verifySendgridSignature(signed({ timestamp: at(301) }))).toBe(false);
    expect(verifySendgridSignature(signed({ timestamp: at(-300) }))).toBe(true);
    expect(verifySendgridSignature(signed({ timestamp: at(-3600), toleranceSeconds: 7200 }))).toBe(true);
  });

  it.each([
    ['an empty signature', { signature: '' }],
    ['a signature that is not base64', { signature: 'not a signature!' }],
    ['a base64 signature that is not DER', { signature: Buffer.from('garbage').toString('base64') }],
    ['an empty timestamp', { timestamp: '' }],
    ['a timestamp that is not a number', { timestamp: 'timestamp' }],
    ['an empty public key', { publicKey: '' }],
    ['a public key that is not base64', { publicKey: '-----BEGIN PUBLIC KEY-----' }],
    ['a public key that is not DER', { publicKey: Buffer.from('not a key').toString('base64') }],
  ] as const)('returns false, without throwing, for %s', (_name, over) => {
    const input = { ...signed(), ...over };
    expect(verifySendgridSignature(input)).toBe(false);
  });

  it('refuses a key that is not P-256, even with a matching signature', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = signed({ publicKey: asSendgridShowsIt(rsa.publicKey) }, rsa.privateKey);
    expect(verifySendgridSignature(input)).toBe(false);
  });
});

describe('parseSendgridEvents', () => {
  it('reads SendGrid’s fields, custom args as top-level fields, and keeps unknown events', () => {
    const events = parseSendgridEvents([
      {
        email: 'jane.doe@example.com',
        event: 'bounce',
        type: 'blocked',
        reason: '550 5.7.1 blocked',
        sg_event_id: 'Ym91bmNlLTQ',
        sg_message_id: 'euo2iKxdSayPF4YE4--I7A.recvd-5f54b5d587-pczjm-1-67BADEEA-6.0',
        'smtp-id': '<x@y>',
        timestamp: 1740300320,
        relink_request_id: 'req-9',
        category: ['reauth_request'],
      },
      { event: 'group_resubscribe', sg_event_id: 'Z3JvdXA', timestamp: 1740300321 },
    ]);
    expect(events).toEqual([
      {
        email: 'jane.doe@example.com',
        event: 'bounce',
        type: 'blocked',
        reason: '550 5.7.1 blocked',
        sg_event_id: 'Ym91bmNlLTQ',
        sg_message_id: 'euo2iKxdSayPF4YE4--I7A.recvd-5f54b5d587-pczjm-1-67BADEEA-6.0',
        timestamp: 1740300320,
        relink_request_id: 'req-9',
      },
      { event: 'group_resubscribe', sg_event_id: 'Z3JvdXA', timestamp: 1740300321 },
    ]);
  });

  it.each([
    ['a single object instead of an array', { event: 'open', sg_event_id: 'a', timestamp: 1 }],
    ['an event without sg_event_id', [{ event: 'open', timestamp: 1 }]],
    ['a string timestamp', [{ event: 'open', sg_event_id: 'a', timestamp: '1' }]],
    ['a non-string custom arg', [{ event: 'open', sg_event_id: 'a', timestamp: 1, relink_request_id: 7 }]],
  ])('refuses %s with invalid_sendgrid_events', (_name, raw) => {
    expect(() => parseSendgridEvents(raw)).toThrow(
      expect.objectContaining({ code: 'invalid_sendgrid_events' }),
    );
  });

  it('names the bad path without quoting values', () => {
    const raw = [{ event: 'open', sg_event_id: 'a', timestamp: 1, email: 42 }];
    expect(() => parseSendgridEvents(raw)).toThrow(/0\.email/);
  });
});

describe('xMessageIdOf', () => {
  it('recovers the X-Message-Id from sg_message_id', () => {
    expect(xMessageIdOf('euo2iKxdSayPF4YE4--I7A.recvd-5f54b5d587-pczjm-1-67BADEEA-6.0')).toBe(
      'euo2iKxdSayPF4YE4--I7A',
    );
    expect(xMessageIdOf('euo2iKxdSayPF4YE4--I7A')).toBe('euo2iKxdSayPF4YE4--I7A');
  });
});

describe('deliveryStatusFor', () => {
  it.each([
    ['delivered', 'delivered'],
    ['open', 'opened'],
    ['click', 'clicked'],
    ['bounce', 'bounced'],
    ['blocked', 'bounced'],
    ['dropped', 'bounced'],
    ['processed', null],
    ['deferred', null],
    ['spamreport', null],
    ['unsubscribe', null],
    ['something_new', null],
  ])('maps %s to %s', (event, status) => {
    expect(deliveryStatusFor(event)).toBe(status);
  });
});
