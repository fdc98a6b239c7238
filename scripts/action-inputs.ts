// Raw inputs as the runner would pass them: action.yml defaults overlaid with a test's values.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { RawInputs } from '../src/config/inputs.js'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

export const actionYml = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYml

export function rawInputs(values: Partial<Record<keyof RawInputs, string>> = {}): RawInputs {
  const raw: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    // The runner evaluates ${{ github.token }}; outside it, tests pass their own token.
    raw[name] = spec.default?.startsWith('${{') ? '' : (spec.default ?? '')
  }
  return {
    ...raw,
    atlan_base_url: 'https://acme.atlan.com',
    atlan_api_key: 'k-test-secret',
    ...values
  } as RawInputs
}

/** The same inputs as INPUT_* environment variables, for running dist/index.js. */
export function inputEnv(values: Partial<Record<keyof RawInputs, string>>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(rawInputs(values)))
    env[`INPUT_${name.toUpperCase()}`] = value
  return env
}
