export * from '../../scripts/action-runner.js'
// Leak scans compute a secret's forms themselves (not with the code under test).
export { leaks } from '../security/forms.js'
