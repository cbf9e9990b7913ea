/**
 * Plaza's one text policy (contract, "v2 text rules"), the same on REST, GraphQL and sockets:
 * text is stored NFC-normalised; lengths count user-perceived characters (grapheme clusters,
 * `Intl.Segmenter`: an emoji with its modifiers is one); a required text needs a visible
 * character; a name refuses control characters and bidi overrides/isolates anywhere.
 */

/**
 * Characters that show nothing by themselves: white space, controls, format characters (zero
 * width, directional marks, …), every Unicode Default_Ignorable_Code_Point (fillers such as
 * U+3164, U+115F, U+FFA0, variation selectors, tags), and blanks Unicode does not list as
 * ignorable but that render empty (U+2800 braille pattern blank).
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** C0/C1 controls, and the bidi embeddings, overrides (U+202A-202E) and isolates (U+2066-2069). */
const NAME_REFUSED = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** U+0000: PostgreSQL text cannot hold it. */
const NUL = '\u0000';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function normalizeText(value: string): string {
  return value.normalize('NFC');
}

/** Below U+0300 (the combining marks) every code unit is a cluster of its own, but for CR LF (UAX #29 GB3). */
// eslint-disable-next-line no-control-regex -- controls are part of the range on purpose
const BEFORE_COMBINING = /^[\u0000-\u02ff]*$/;

/** User-perceived characters (grapheme clusters) of the NFC form. */
export function graphemeLength(value: string): number {
  const text = normalizeText(value);
  // Latin text needs no segmenter (it was most of the CPU a chat message cost to validate).
  if (BEFORE_COMBINING.test(text)) return text.length - (text.split('\r\n').length - 1);
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Whether `text` (NFC) has between `min` and `max` grapheme clusters. */
function lengthWithin(text: string, min: number, max: number): boolean {
  // A non-empty text has between 1 and text.length clusters: often that settles it.
  const lower = text.length > 0 ? 1 : 0;
  if (lower >= min && text.length <= max) return true;
  const length = graphemeLength(text);
  return length >= min && length <= max;
}

export function hasVisibleCharacter(value: string): boolean {
  return !INVISIBLE.test(value);
}

export function hasRefusedNameCharacter(value: string): boolean {
  return NAME_REFUSED.test(value);
}

export interface TextRule {
  /** Grapheme bounds, inclusive. */
  min: number;
  max: number;
  /** A required text (displayName, post, comment, message) needs a visible character. */
  visible?: boolean;
  /** Names: no control characters, no bidi overrides or isolates. */
  name?: boolean;
}

/** The contract's text limits, in one place. */
export const TEXT_RULES = {
  displayName: { min: 1, max: 80, visible: true, name: true },
  headline: { min: 0, max: 160 },
  bio: { min: 0, max: 2000 },
  location: { min: 0, max: 100 },
  skill: { min: 1, max: 50, visible: true },
  post: { min: 1, max: 3000, visible: true },
  comment: { min: 1, max: 1000, visible: true },
  message: { min: 1, max: 4000, visible: true },
  conversationTitle: { min: 1, max: 100, visible: true },
} as const satisfies Record<string, TextRule>;

/** Why `value` breaks `rule` (one sentence naming `field`), or null when it is fine. */
export function textProblem(field: string, value: unknown, rule: TextRule): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  const text = normalizeText(value);
  if (text.includes(NUL)) return `${field} must not contain NUL characters`;
  if (!lengthWithin(text, rule.min, rule.max))
    return rule.min === 0
      ? `${field} must be at most ${rule.max} characters`
      : `${field} must be ${rule.min}-${rule.max} characters`;
  if (rule.visible && rule.min > 0 && !hasVisibleCharacter(text)) return `${field} must contain a visible character`;
  if (rule.name && hasRefusedNameCharacter(text))
    return `${field} must not contain control characters or bidirectional overrides`;
  return null;
}
