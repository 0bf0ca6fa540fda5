import { stripInvisibleControls } from '../../src/domain/invisible-characters';

describe('stripInvisibleControls', () => {
  it.each([
    ['U+202A–U+202E bidirectional embeddings and overrides', '\u202A\u202B\u202C\u202D\u202E'],
    ['U+2066–U+2069 bidirectional isolates', '\u2066\u2067\u2068\u2069'],
    ['U+200B–U+200F zero-width characters and direction marks', '\u200B\u200C\u200D\u200E\u200F'],
    ['U+2060 word joiner', '\u2060'],
    ['U+FEFF byte order mark', '\uFEFF'],
    ['U+061C Arabic letter mark and U+180E Mongolian vowel separator', '\u061C\u180E'],
    ['U+00AD soft hyphen', '\u00AD'],
  ])('removes %s', (_what, controls) => {
    expect(stripInvisibleControls(`Ja${controls}ne${controls}`)).toBe('Jane');
  });

  it('undoes a right-to-left override that would make a name read differently', () => {
    // Drawn as "Jane exe.doc": the override reverses what follows it.
    expect(stripInvisibleControls('Jane \u202Ecod.exe')).toBe('Jane cod.exe');
  });

  it('keeps letters of every script, accents, emoji and ordinary spaces', () => {
    const name = 'Zoë Ōsaka-Müller 王小明 محمد 👩🏽‍💻';
    expect(stripInvisibleControls(name)).toBe(name.replace('\u200D', ''));
  });

  it('leaves Slack markup to the escaping in blocks/', () => {
    expect(stripInvisibleControls('<!channel> *bold*')).toBe('<!channel> *bold*');
  });
});
