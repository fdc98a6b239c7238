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
import * as cache from '@actions/cache'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CACHE_UNAVAILABLE,
  LOOKUP_LIMIT_MS,
  SAVE_LIMIT_MS,
  createSkipCache,
  skipMarker,
  type CacheApi
} from '../../src/github/cache.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { setEnv, withoutProxy } from '../helpers/env.js'

const CSV_SHA = 'f'.repeat(64)
const MARKER = skipMarker({ target: 'x', csvSha256: CSV_SHA, settings: {} })

describe('skipMarker', () => {
  const target = { tenant: 'https://t.atlan.com', workflow: 'wf' }
  const settings = { mode: 'rerun', options: { batchSize: 20, failOnErrors: true }, prefix: 'p' }
  const marker = (p: { target?: unknown; csvSha256?: string; settings?: unknown } = {}) =>
    skipMarker({ target, csvSha256: CSV_SHA, settings, ...p })

  it('is short, prefixed and deterministic', () => {
    const m = marker()
    expect(m.prefix).toMatch(/^atlan-lineage-v3-[0-9a-f]{64}-$/)
    expect(m.digest).toMatch(/^[0-9a-f]{64}$/)
    expect(marker()).toEqual(m)
  })

  it('does not depend on key order, at any depth', () => {
    const reordered = { prefix: 'p', options: { failOnErrors: true, batchSize: 20 }, mode: 'rerun' }
    expect(marker({ settings: reordered })).toEqual(marker())
    expect(marker({ target: { workflow: 'wf', tenant: 'https://t.atlan.com' } })).toEqual(marker())
  })

  it('the target changes the prefix; the CSV and any setting change the digest only', () => {
    const m = marker()
    expect(marker({ target: { ...target, workflow: 'other' } }).prefix).not.toBe(m.prefix)
    for (const other of [
      marker({ csvSha256: 'e'.repeat(64) }),
      marker({ settings: { ...settings, options: { batchSize: 21, failOnErrors: true } } })
    ]) {
      expect(other.prefix).toBe(m.prefix)
      expect(other.digest).not.toBe(m.digest)
    }
    expect(marker({ settings: { a: [1, 2] } }).digest).not.toBe(
      marker({ settings: { a: [2, 1] } }).digest
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
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '2',
      ...vars
    })
  }

  it.each(['v2', 'v1'] as const)(
    '%s: the newest marker of a target decides, whatever older ones say',
    async service => {
      useEnv(sim.cacheEnv(service))
      const warnings: string[] = []
      let now = 1_000
      const skip = createSkipCache({ warning: m => warnings.push(m), now: () => now++ })
      const target = { service }
      const a = skipMarker({ target, csvSha256: CSV_SHA, settings: {} })
      const b = skipMarker({ target, csvSha256: 'e'.repeat(64), settings: {} })
      const elsewhere = skipMarker({ target: { service, x: 1 }, csvSha256: CSV_SHA, settings: {} })

      expect(await skip.wasDone(a)).toBe(false)
      expect(await skip.markDone(a.prefix, a.digest)).toBe(true)
      expect(await skip.wasDone(a)).toBe(true)
      expect(await skip.wasDone(b)).toBe(false)
      // Another target has markers of its own.
      expect(await skip.wasDone(elsewhere)).toBe(false)
      // B passed after A: the target holds B, so A (a revert) is not done; B is.
      expect(await skip.markDone(b.prefix, b.digest)).toBe(true)
      expect(await skip.wasDone(a)).toBe(false)
      expect(await skip.wasDone(b)).toBe(true)
      // A again, then a step that may have changed the target without passing: nothing is done.
      expect(await skip.markDone(a.prefix, a.digest)).toBe(true)
      expect(await skip.wasDone(a)).toBe(true)
      expect(await skip.markDone(a.prefix, undefined)).toBe(true)
      expect(await skip.wasDone(a)).toBe(false)

      expect(warnings).toEqual([])
      expect(stdout.filter(l => /^::(warning|error)/.test(l))).toEqual([])
      // The tar command line and the upload progress are debug lines, not log noise.
      expect(stdout.join('')).toMatch(/^::debug::\[command\].*tar/m)
      expect(
        stdout.filter(l => /\[command\]|Sent \d+ of \d+/.test(l) && !l.startsWith('::debug::'))
      ).toEqual([])
      const entries = sim.cacheEntries().filter(e => e.key.startsWith(a.prefix))
      expect(entries.map(e => e.key.slice(a.prefix.length).split('-')[0])).toEqual([
        a.digest,
        b.digest,
        a.digest,
        'unknown'
      ])
      // Every key is its own entry (entries are immutable), named by the run and the time.
      expect(new Set(entries.map(e => e.key)).size).toBe(4)
      expect(entries[0].key).toBe(`${a.prefix}${a.digest}-77-2-1000`)
      expect(entries.every(e => e.service === service && e.finalized && e.size > 0)).toBe(true)
      const cacheCalls = sim.requests().filter(q => q.route.startsWith('cache/'))
      expect(cacheCalls.every(q => q.status < 300)).toBe(true)
    }
  )

  it('matches a primary key as a prefix too, as GitHub does: the look-up key starts no marker', async () => {
    useEnv(sim.cacheEnv('v2'))
    const skip = createSkipCache({ warning: () => undefined })
    const m = skipMarker({ target: 'prefix-match', csvSha256: CSV_SHA, settings: {} })
    expect(await skip.markDone(m.prefix, m.digest)).toBe(true)
    const lookup = (key: string) =>
      cache.restoreCache([join(tmpdir(), 'atlan-lineage-skip', 'marker.json')], key, [], {
        lookupOnly: true
      })
    const saved = sim.cacheEntries().find(e => e.key.startsWith(m.prefix))?.key
    expect(await lookup(`${m.prefix}${m.digest}`)).toBe(saved)
    expect(await lookup(`${m.prefix}newest`)).toBeUndefined()
  })

  it('without the cache service: one warning, wasDone false, markDone a no-op', async () => {
    useEnv({})
    const warnings: string[] = []
    const skip = createSkipCache({ warning: m => warnings.push(m) })
    const before = sim.requests().length
    expect(await skip.wasDone(MARKER)).toBe(false)
    expect(await skip.markDone(MARKER.prefix, MARKER.digest)).toBe(false)
    expect(warnings).toEqual([CACHE_UNAVAILABLE])
    expect(sim.requests()).toHaveLength(before)
  })

  it('a refused lookup is a miss, not a failure', async () => {
    useEnv(sim.cacheEnv('v2'))
    sim.setFault('cache/lookup', 403, 1)
    const skip = createSkipCache({ warning: () => undefined })
    await expect(skip.wasDone(MARKER)).resolves.toBe(false)
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
    expect(await skip.wasDone(MARKER)).toBe(false)
    expect(await skip.markDone(MARKER.prefix, MARKER.digest)).toBe(false)
    expect(warnings).toEqual([`${CACHE_UNAVAILABLE} (boom)`])
    // Failing to record "unknown" is the one failure that can make a later skip wrong: it is said.
    expect(await skip.markDone(MARKER.prefix, undefined)).toBe(false)
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toMatch(
      /^skip_unchanged could not record .* \(boom again\): .* may be skipped/
    )
  })
})

describe('a cache service that never answers', () => {
  // The injected sleep ends the time limit when the test says so; the cache calls never settle.
  const never = () => new Promise<never>(() => undefined)
  const hung: CacheApi = { isFeatureAvailable: () => true, restoreCache: never, saveCache: never }
  let restore: () => void
  beforeEach(() => {
    restore = setEnv({ ACTIONS_RUNTIME_TOKEN: 'token' })
  })
  afterEach(() => restore())

  /** A sleep that ends when the test calls expire(); `asked` resolves to the limit it was given. */
  function limits() {
    let expire = (): void => undefined
    let ask = (_ms: number): void => undefined
    const asked = new Promise<number>(resolve => (ask = resolve))
    const sleep = (ms: number) =>
      new Promise<void>(resolve => {
        ask(ms)
        expire = resolve
      })
    return { asked, sleep, expire: () => expire() }
  }

  it('a look-up is a miss once its time limit passes, with one warning naming it', async () => {
    const warnings: string[] = []
    const time = limits()
    const skip = createSkipCache({ api: hung, sleep: time.sleep, warning: m => warnings.push(m) })
    const answer = skip.wasDone(MARKER)
    expect(await time.asked).toBe(LOOKUP_LIMIT_MS)
    time.expire()
    await expect(answer).resolves.toBe(false)
    expect(warnings).toEqual([
      `${CACHE_UNAVAILABLE} (no answer within ${LOOKUP_LIMIT_MS / 1000} s)`
    ])
  })

  it('a save is given up once its time limit passes, and says a later skip may be wrong', async () => {
    const warnings: string[] = []
    const time = limits()
    const skip = createSkipCache({ api: hung, sleep: time.sleep, warning: m => warnings.push(m) })
    const saved = skip.markDone(MARKER.prefix, undefined)
    expect(await time.asked).toBe(SAVE_LIMIT_MS)
    time.expire()
    await expect(saved).resolves.toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`no answer within ${SAVE_LIMIT_MS / 1000} s`)
  })

  it('an answer within the limit ends the wait for it', async () => {
    let aborted: AbortSignal | undefined
    const sleep = (_ms: number, signal?: AbortSignal) => {
      aborted = signal
      return new Promise<void>(() => undefined)
    }
    const api: CacheApi = {
      isFeatureAvailable: () => true,
      restoreCache: async () => `${MARKER.prefix}${MARKER.digest}-1-1-1`,
      saveCache: async () => 1
    }
    const skip = createSkipCache({ api, sleep, warning: () => undefined })
    await expect(skip.wasDone(MARKER)).resolves.toBe(true)
    expect(aborted?.aborted).toBe(true)
  })
})
