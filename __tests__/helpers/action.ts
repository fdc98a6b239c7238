// The bundled-action runner shared with the demo, plus the leak scan every end-to-end test applies.
import { leakForms } from '../../scripts/leak-forms.js'

export * from '../../scripts/action-runner.js'

/**
 * Secret values (and their encodings) found in a text; empty when nothing leaked. The forms are
 * computed by the scan itself, not taken from the redaction code under test.
 */
export function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = []
  for (const s of secrets)
    for (const form of leakForms(s)) if (text.includes(form)) found.push(form)
  return found
}
