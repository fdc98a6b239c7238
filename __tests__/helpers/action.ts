// The bundled-action runner shared with the demo, plus the leak scan every end-to-end test applies.
export * from '../../scripts/action-runner.js'
// The forms are computed by the scan itself, not taken from the redaction code under test.
export { leaks } from '../../scripts/leak-forms.js'
