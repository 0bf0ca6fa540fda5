import { z } from 'zod';
import { stripInvisibleControls } from '../src/domain/invisible-characters';
import { NOTE_MAX_CHARS } from '../src/domain/reauth-draft';
import { ActionId, BlockId } from '../src/slack/ids';
import { codec } from '../src/slack/metadata';

/**
 * The bulk confirmation's `private_metadata`: only the plan's id (the plan itself, up to thousands of
 * customers, is stored; 3,000 characters could not carry it).
 */
export const bulkConfirmMeta = codec(
  z.object({ v: z.literal(1), bulkId: z.string().regex(/^[0-9a-f]{24}$/) }),
  3000,
);

/** The shared note as relink keeps it: controls stripped (newlines and tabs kept), trimmed, null if empty. */
export function parseBulkNote(
  values: unknown,
): { ok: true; note: string | null } | { ok: false; errors: Record<string, string> } {
  const raw = NoteValues.safeParse(values);
  const text = raw.success ? (raw.data[BlockId.bulkNote]?.[ActionId.bulkNote]?.value ?? '') : '';
  const note = stripInvisibleControls(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]|\p{Cs}/gu, '')
    .trim();
  if ([...note].length > NOTE_MAX_CHARS)
    return { ok: false, errors: { [BlockId.bulkNote]: `Keep the note under ${NOTE_MAX_CHARS} characters` } };
  return { ok: true, note: note === '' ? null : note };
}

const NoteValues = z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().nullish() })));
