// skip_unchanged: key stability, and @actions/cache v6 against the simulated cache service.
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CACHE_UNAVAILABLE,
  createSkipCache,
  skipKey,
  type CacheApi
} from '../../src/github/cache.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { setEnv, withoutProxy } from '../helpers/env.js'

const CSV_SHA = 'f'.repeat(64)

describe('skipKey', () => {
  const settings = { mode: 'rerun', options: { batchSize: 20, failOnErrors: true }, prefix: 'p' }

  it('is short, prefixed and deterministic', () => {
    const key = skipKey({ csvSha256: CSV_SHA, settings })
    expect(key).toMatch(/^atlan-lineage-[0-9a-f]{64}$/)
    expect(skipKey({ csvSha256: CSV_SHA, settings })).toBe(key)
  })

  it('does not depend on key order, at any depth', () => {
    const reordered = { prefix: 'p', options: { failOnErrors: true, batchSize: 20 }, mode: 'rerun' }
    expect(skipKey({ csvSha256: CSV_SHA, settings: reordered })).toBe(
      skipKey({ csvSha256: CSV_SHA, settings })
    )
  })

  it('changes with the CSV, with any setting, and with array order', () => {
    const key = skipKey({ csvSha256: CSV_SHA, settings })
    expect(skipKey({ csvSha256: 'e'.repeat(64), settings })).not.toBe(key)
    expect(
      skipKey({
        csvSha256: CSV_SHA,
        settings: { ...settings, options: { batchSize: 21, failOnErrors: true } }
      })
    ).not.toBe(key)
    expect(skipKey({ csvSha256: CSV_SHA, settings: { a: [1, 2] } })).not.toBe(
      skipKey({ csvSha256: CSV_SHA, settings: { a: [2, 1] } })
    )
  })
})

describe('skip cache against the simulated cache service', () => {
  let sim: GitHubSim
  let runnerTemp: string
  let restoreEnv: () => void = () => undefined
  let stdout: string[]

  beforeAll(async () => {
    sim = await startGitHubSim()
    runnerTemp = await mkdtemp(join(tmpdir(), 'skip-cache-'))
  })
  afterAll(async () => {
    await sim.close()
    await rm(runnerTemp, { recursive: true, force: true })
  })
  beforeEach(() => {
    // @actions/cache logs through workflow commands on stdout: keep them, out of the test output.
    stdout = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    restoreEnv()
    expect(sim.errors()).toEqual([])
  })

  function useEnv(vars: Record<string, string | undefined>): void {
    restoreEnv = setEnv({
      ...withoutProxy(),
      GITHUB_SERVER_URL: undefined, // a GHES-looking server URL forces cache service v1
      ACTIONS_CACHE_SERVICE_V2: undefined,
      ACTIONS_RESULTS_URL: undefined,
      ACTIONS_CACHE_URL: undefined,
      ACTIONS_RUNTIME_TOKEN: undefined,
      RUNNER_TEMP: runnerTemp,
      ...vars
    })
  }

  it.each(['v2', 'v1'] as const)('%s: a miss, then markDone, then a hit', async service => {
    useEnv(sim.cacheEnv(service))
    const warnings: string[] = []
    const skip = createSkipCache({ warning: m => warnings.push(m) })
    const key = skipKey({ csvSha256: CSV_SHA, settings: { service } })

    expect(await skip.wasDone(key)).toBe(false)
    expect(await skip.markDone(key)).toBe(true)
    expect(await skip.wasDone(key)).toBe(true)
    // Another settings object is another key.
    expect(await skip.wasDone(skipKey({ csvSha256: CSV_SHA, settings: { service, x: 1 } }))).toBe(
      false
    )

    expect(warnings).toEqual([])
    expect(stdout.filter(l => /^::(warning|error)/.test(l))).toEqual([])
    // The tar command line and the upload progress are debug lines, not log noise.
    expect(stdout.join('')).toMatch(/^::debug::\[command\].*tar/m)
    expect(
      stdout.filter(l => /\[command\]|Sent \d+ of \d+/.test(l) && !l.startsWith('::debug::'))
    ).toEqual([])
    const entries = sim.cacheEntries().filter(e => e.key === key)
    expect(entries).toEqual([expect.objectContaining({ service, finalized: true })])
    expect(entries[0].size).toBeGreaterThan(0)
    const cacheCalls = sim.requests().filter(q => q.route.startsWith('cache/'))
    expect(cacheCalls.every(q => q.status < 300)).toBe(true)
  })

  it('without the cache service: one warning, wasDone false, markDone a no-op', async () => {
    useEnv({})
    const warnings: string[] = []
    const skip = createSkipCache({ warning: m => warnings.push(m) })
    const before = sim.requests().length
    expect(await skip.wasDone('atlan-lineage-x')).toBe(false)
    expect(await skip.markDone('atlan-lineage-x')).toBe(false)
    expect(warnings).toEqual([CACHE_UNAVAILABLE])
    expect(sim.requests()).toHaveLength(before)
  })

  it('a refused lookup is a miss, not a failure', async () => {
    useEnv(sim.cacheEnv('v2'))
    sim.setFault('cache/lookup', 403, 1)
    const skip = createSkipCache({ warning: () => undefined })
    await expect(skip.wasDone('atlan-lineage-refused')).resolves.toBe(false)
    expect(stdout.filter(l => l.startsWith('::error'))).toEqual([])
  })

  it('a cache call that throws: one warning, and the run goes on', async () => {
    useEnv(sim.cacheEnv('v2'))
    const warnings: string[] = []
    const api: CacheApi = {
      isFeatureAvailable: () => true,
      restoreCache: async () => {
        throw new Error('boom')
      },
      saveCache: async () => {
        throw new Error('boom again')
      }
    }
    const skip = createSkipCache({ api, warning: m => warnings.push(m) })
    expect(await skip.wasDone('atlan-lineage-y')).toBe(false)
    expect(await skip.markDone('atlan-lineage-y')).toBe(false)
    expect(warnings).toEqual([`${CACHE_UNAVAILABLE} (boom)`])
  })
})
