// Set environment variables for a test and put the previous values back afterwards.
import { afterAll, beforeAll } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PROXY_VARS = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy'
]

/** Apply `vars` (undefined deletes); the returned function restores what was there. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map(k => [k, process.env[k]]))
  apply(vars)
  return () => apply(before)
}

function apply(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
}

/** No proxy variables at all: an environment proxy must not catch the loopback simulator. */
export function withoutProxy(): Record<string, undefined> {
  return Object.fromEntries(PROXY_VARS.map(k => [k, undefined]))
}

/**
 * The runner's command files for this test file (GITHUB_STATE, GITHUB_OUTPUT), as every step has
 * them: @actions/core writes saved state and outputs there instead of printing `::save-state::`
 * and `::set-output::` commands into the test output. Returns readers of what was written.
 */
export function useRunnerFiles(): { state(): string; output(): string } {
  let dir = ''
  let restore: () => void = () => undefined
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-files-'))
    for (const f of ['state', 'output']) writeFileSync(join(dir, f), '')
    restore = setEnv({ GITHUB_STATE: join(dir, 'state'), GITHUB_OUTPUT: join(dir, 'output') })
  })
  afterAll(() => {
    restore()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    state: () => readFileSync(join(dir, 'state'), 'utf8'),
    output: () => readFileSync(join(dir, 'output'), 'utf8')
  }
}
