import { type Connection, type Model, Schema } from 'mongoose';
import type { RelinkErrorCode } from '../domain/errors';
import { SendAttemptId } from '../domain/record-ids';
import type { AttemptCall, CallOutcome } from '../domain/send-attempt';
import { isDuplicateKey } from './duplicate-key';
import { definition } from './models';

/** Why an attempt certainly sent nothing, and whether it is tried again by itself. */
export interface NotSentFailure {
  code: RelinkErrorCode;
  message: string;
  /** When the next attempt may start; null when only a person can send it (Retry). */
  retryAt: Date | null;
}

/** A claim or a call (see SendAttemptId); one collection, told apart by `kind`. */
interface SendAttemptDocument {
  _id: string;
  kind: 'claim' | 'call';
  subject: string;
  attempt: number;
  /** When it was claimed, called or abandoned. */
  at: Date;
  /** Claim: the attempt calls SendGrid before this, or never. */
  callBy: Date | null;
  /** Call. */
  state: 'called' | 'abandoned' | null;
  answerBy: Date | null;
  outcome: CallOutcome | null;
  messageId: string | null;
  failure: NotSentFailure | null;
  settledAt: Date | null;
}

const schema = new Schema(
  definition({
    _id: { type: String, required: true },
    kind: { type: String, enum: ['claim', 'call'], required: true },
    subject: { type: String, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    callBy: { type: Date, default: null },
    state: { type: String, default: null },
    answerBy: { type: Date, default: null },
    outcome: { type: String, default: null },
    messageId: { type: String, default: null },
    failure: { type: Schema.Types.Mixed, default: null },
    settledAt: { type: Date, default: null },
  }),
  // Read only by `_id`: the one filter FerretDB indexes.
  { collection: 'send_attempts', versionKey: false },
);

const model = (connection: Connection): Model<SendAttemptDocument> =>
  (connection.models.SendAttempt ??
    connection.model('SendAttempt', schema)) as unknown as Model<SendAttemptDocument>;

const toCall = (doc: SendAttemptDocument | null): AttemptCall | null => {
  if (!doc) return null;
  if (doc.state === 'abandoned') return { state: 'abandoned' };
  return {
    state: 'called',
    calledAt: doc.at,
    answerBy: doc.answerBy ?? doc.at,
    outcome: doc.outcome,
    messageId: doc.messageId,
  };
};

/**
 * Claims on sending one email, so that two senders (two runs of the send job, two relink processes)
 * never send it twice. FerretDB has no transactions and no atomic compare-and-set; a unique insert is
 * the one exactly-once step it offers, so both decisions that must happen once are inserts: who owns
 * an attempt (its claim), and whether that attempt called SendGrid or was abandoned (its call).
 * Anything that emails reuses this with its own `subject` (SendSubject).
 */
export function createSendClaims(connection: Connection) {
  const Attempt = model(connection);

  /** Inserts `doc`; false when its id was already there. */
  const insert = async (doc: Partial<SendAttemptDocument> & { _id: string }): Promise<boolean> => {
    try {
      await Attempt.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  };

  const findCallDoc = (subject: string, attempt: number) =>
    Attempt.findById(SendAttemptId.call(subject, attempt)).lean();

  return {
    init: async () => {
      await Attempt.createCollection().catch((err: { code?: number }) => {
        if (err.code !== 48) throw err; // 48: NamespaceExists
      });
    },

    /** Claims attempt `attempt` of `subject`; false when another sender has it. */
    claim: (subject: string, attempt: number, now: Date, callBy: Date): Promise<boolean> =>
      insert({
        _id: SendAttemptId.claim(subject, attempt),
        kind: 'claim',
        subject,
        attempt,
        at: now,
        callBy,
      }),

    findClaim: async (subject: string, attempt: number): Promise<{ callBy: Date } | null> => {
      const doc = await Attempt.findById(SendAttemptId.claim(subject, attempt)).lean();
      return doc ? { callBy: doc.callBy ?? doc.at } : null;
    },

    /**
     * Records the call just before it is made. False means the attempt was abandoned first (its
     * claim ran out while it was getting ready): then it must not call at all.
     */
    startCall: (subject: string, attempt: number, now: Date, answerBy: Date): Promise<boolean> =>
      insert({
        _id: SendAttemptId.call(subject, attempt),
        kind: 'call',
        subject,
        attempt,
        at: now,
        state: 'called',
        answerBy,
      }),

    /**
     * Abandons an attempt that has not called: after this it never will. Returns what the attempt
     * now is: `abandoned` (by this call or an earlier one), or `called` when its owner got there first.
     */
    async abandon(subject: string, attempt: number, now: Date): Promise<AttemptCall> {
      const call = { _id: SendAttemptId.call(subject, attempt), kind: 'call' as const, subject, attempt };
      if (await insert({ ...call, at: now, state: 'abandoned' })) return { state: 'abandoned' };
      const existing = toCall(await findCallDoc(subject, attempt));
      if (!existing) throw new Error(`send attempt ${call._id} vanished`);
      return existing;
    },

    findCall: async (subject: string, attempt: number): Promise<AttemptCall | null> =>
      toCall(await findCallDoc(subject, attempt)),

    /** The not-sent failure recorded with a call's outcome, to finish applying it after a crash. */
    failureOf: async (subject: string, attempt: number): Promise<NotSentFailure | null> =>
      (await findCallDoc(subject, attempt))?.failure ?? null,

    /**
     * Records what became of a call. Only the call's owner, an event for it, or the end of its window
     * write here, and `sent` is the truth whenever it comes: the request re-checks on each event.
     */
    async settle(
      subject: string,
      attempt: number,
      result:
        | { outcome: 'sent'; messageId: string }
        | { outcome: 'not_sent'; failure: NotSentFailure }
        | { outcome: 'unknown' | 'unconfirmed' },
      now: Date,
    ): Promise<void> {
      await Attempt.updateOne(
        { _id: SendAttemptId.call(subject, attempt) },
        {
          $set: {
            outcome: result.outcome,
            settledAt: now,
            ...(result.outcome === 'sent' ? { messageId: result.messageId } : {}),
            ...(result.outcome === 'not_sent' ? { failure: result.failure } : {}),
          },
        },
      );
    },
  };
}

export type SendClaims = ReturnType<typeof createSendClaims>;
