/**
 * Characters that change how the text around them is drawn without being seen themselves. In a name
 * they can reverse what follows ("Trojan Source": U+202E turns `moc.elpmaxe` into `example.com`), hide
 * a look-alike, or make two names that read the same compare different. Names come from customers
 * through the platforms, so they are stripped at ingest and in the reauth form.
 *
 * - U+00AD soft hyphen, U+061C Arabic letter mark, U+180E Mongolian vowel separator
 * - U+200B–U+200F zero-width space, non-joiner and joiner; left-to-right and right-to-left marks
 * - U+202A–U+202E bidirectional embeddings and overrides, and their pop
 * - U+2060–U+2064 word joiner and invisible operators
 * - U+2066–U+2069 bidirectional isolates and their pop
 * - U+206A–U+206F deprecated formatting controls
 * - U+FEFF zero-width no-break space (byte order mark)
 * - U+FFF9–U+FFFB interlinear annotation controls
 */
const INVISIBLE_CONTROLS =
  /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u206A-\u206F\uFEFF\uFFF9-\uFFFB]/g;

/** `value` without bidirectional, zero-width and other invisible formatting characters. */
export const stripInvisibleControls = (value: string): string => value.replace(INVISIBLE_CONTROLS, '');
