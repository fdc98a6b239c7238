// The bundled-action runner shared with the demo, plus the leak scan every end-to-end test applies.
import { secretForms } from '../../src/config/redact.js'

export * from '../../scripts/action-runner.js'

/** Secret values (and their encodings) found in a text; empty when nothing leaked. */
export function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = []
  for (const s of secrets)
    for (const form of secretForms(s)) if (text.includes(form)) found.push(form)
  return found
}
