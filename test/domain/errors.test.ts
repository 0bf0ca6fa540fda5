import { asRelinkError, RelinkError } from '../../src/domain/errors';
import { MailError } from '../../src/email/mailer';

describe('asRelinkError', () => {
  it('returns a RelinkError as it is, subclass and details included', () => {
    const mail = new MailError('email_unavailable', 'SendGrid failed (503)', {
      retryable: true,
      status: 503,
    });
    const e = asRelinkError(mail);
    expect(e).toBe(mail);
    expect(e.code).toBe('email_unavailable');
  });

  it('wraps any other Error as unexpected, keeping its message and the error as cause', () => {
    const thrown = new TypeError("Cannot read properties of undefined (reading 'id')");
    const e = asRelinkError(thrown);
    expect(e).toBeInstanceOf(RelinkError);
    expect(e).toMatchObject({ code: 'unexpected', message: thrown.message, cause: thrown });
  });

  it('wraps a thrown non-Error as unexpected, its text as the message', () => {
    expect(asRelinkError('socket hang up')).toMatchObject({
      code: 'unexpected',
      message: 'socket hang up',
      cause: 'socket hang up',
    });
  });
});

describe('RelinkError', () => {
  it('accepts only codes relink knows, so a mistyped one does not compile', () => {
    // @ts-expect-error 'cooldown_activ' is not a RelinkErrorCode (checked by `tsc`, not at run time)
    const mistyped = new RelinkError('cooldown_activ', 'last request sent an hour ago');
    expect(mistyped.name).toBe('RelinkError');
  });
});
