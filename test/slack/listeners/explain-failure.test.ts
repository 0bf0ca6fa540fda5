import { OUTCOME_WORDS, STEP_FAILURE_WORDS } from '../../../blocks/failure-words';
import { RelinkError } from '../../../src/domain/errors';
import { createLogger } from '../../../src/logger';
import { explainFailure } from '../../../src/slack/listeners/explain-failure';

const words = STEP_FAILURE_WORDS.openForm;

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: false }, { write: (line: string) => lines.push(line) });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, logged };
}

describe('explainFailure', () => {
  it('tells an everyday outcome in its own words and logs nothing', () => {
    const { log, logged } = capture();

    const answer = explainFailure(new RelinkError('cooldown_active', 'last request sent 2026-03-12'), {
      log,
      msg: 'reauth request not recorded',
      words,
    });

    expect(answer).toEqual({ kind: 'outcome', words: OUTCOME_WORDS.cooldown_active });
    expect(logged()).toEqual([]);
  });

  it('warns once about a payload relink did not write, and gives the step’s words for it', () => {
    const { log, logged } = capture();

    const answer = explainFailure(new RelinkError('metadata_invalid', 'cannot decode: not JSON'), {
      log,
      msg: 'reauth form not prepared',
      words,
    });

    expect(answer).toEqual({ kind: 'invalid', words: words.invalid });
    expect(logged()).toEqual([
      expect.objectContaining({ level: 40, msg: 'reauth form not prepared', code: 'metadata_invalid' }),
    ]);
  });

  it('logs anything else once as an error, and never shows the error to the user', () => {
    const { log, logged } = capture();

    const answer = explainFailure(new Error('connection reset by db-7.internal'), {
      log,
      msg: 'reauth form not prepared',
      words,
    });

    expect(answer).toEqual({ kind: 'unexpected', words: words.unexpected });
    expect(answer.words).not.toContain('db-7');
    expect(logged()).toEqual([
      expect.objectContaining({ level: 50, msg: 'reauth form not prepared', code: 'unexpected' }),
    ]);
  });
});
