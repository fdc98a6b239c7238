// Shared set-up of end-to-end tests: a simulator per test, inputs pointing at it, and the checks
// every scenario makes (no secret in anything written, at most one submit).
import { afterEach, expect } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startSimulator, type Scenario, type Simulator } from '../../sim/server.js'
import { leaks, type ActionRun } from './action.js'
import { repoRoot } from './shared.js'

export const API_KEY = 'e2e-atlan-key-7f3a9c'

let current: Simulator | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

/** A simulator that accepts API_KEY, closed after the test. */
export async function sim(scenario: Partial<Scenario> = {}): Promise<Simulator> {
  current = await startSimulator({
    token: API_KEY,
    scenario: { pendingMs: 200, runningMs: 600, ...scenario }
  })
  return current
}

/**
 * A simulator with a workflow whose stored file is examples/lineage.csv and whose runs take a
 * minute: long enough to act on one mid-flight.
 */
export async function longRunWorkflow(
  scenario: Partial<Scenario> = {}
): Promise<{ s: Simulator; wf: string }> {
  const s = await sim({ runningMs: 60_000, stopMs: 200, ...scenario })
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', readFileSync(join(repoRoot, 'examples/lineage.csv')))
  return { s, wf }
}

export function inputsFor(
  s: Simulator,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    atlan_base_url: s.url,
    atlan_api_key: API_KEY,
    poll_interval: '1s',
    request_timeout: '2s',
    ...extra
  }
}

export function submits(s: Simulator): number {
  return s.requests().filter(r => r.route === 'submit' || r.route === 'rerun').length
}

export function routes(s: Simulator): string[] {
  return s.requests().map(r => r.route ?? `${r.method} ${r.path}`)
}

/** Resolves once the simulator has seen a request on `route` (bounded: 20 s). */
export async function seen(s: Simulator, route: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (s.requests().some(q => q.route === route)) return
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error(`no ${route} request within 20 s: ${routes(s).join(', ')}`)
}

/** The step's message, from the `result` output. */
export function message(run: { outputs: Record<string, string> }): string {
  return (JSON.parse(run.outputs.result ?? '{}') as { message?: string }).message ?? ''
}

/** What every scenario must hold: nothing secret written anywhere, at most one submit. */
export function expectClean(run: ActionRun, s: Simulator, secrets: string[] = []): void {
  expect(leaks(run.everything, [API_KEY, ...secrets])).toEqual([])
  expect(submits(s)).toBeLessThanOrEqual(1)
}
