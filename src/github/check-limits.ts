// Limits of the Checks API (docs.github.com/rest/checks/runs) and how we stay inside them.

/** output.summary and output.text: at most 65535 characters each. */
export const TEXT_LIMIT = 65535
/** Annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** annotation.title: 255 characters. */
export const ANNOTATION_TITLE_LIMIT = 255
/** annotation.message is capped at 64 KB; 16384 characters stay under it at 4 bytes each. */
export const ANNOTATION_MESSAGE_LIMIT = 16384

/** Cut `text` to at most `limit` UTF-16 units without splitting a surrogate pair. */
export function clampText(text: string, limit: number): string {
  if (text.length <= limit) return text
  return text.slice(0, safeCut(text, limit))
}

/** Truncate a summary or text for the Checks API, saying how much was left out. */
export function clampCheckText(text: string): string {
  if (text.length <= TEXT_LIMIT) return text
  const note = (n: number) =>
    `\n\n_… truncated: ${n} characters left out (the Checks API accepts at most ${TEXT_LIMIT})._`
  // The longest possible note bounds the room it needs.
  const cut = safeCut(text, TEXT_LIMIT - note(text.length).length)
  return text.slice(0, cut) + note(text.length - cut)
}

function safeCut(text: string, at: number): number {
  const last = text.charCodeAt(at - 1)
  return last >= 0xd800 && last <= 0xdbff ? at - 1 : at
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
