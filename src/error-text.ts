// The one way to turn whatever was thrown into a line of text. Every error this action raises
// says its cause and fix in its message; anything else (a string, a plain object) is shown as is.

/** One readable line, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  if (typeof err === 'string') return err
  try {
    return JSON.stringify(err) ?? String(err)
  } catch {
    return String(err)
  }
}
