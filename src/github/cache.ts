// skip_unchanged: a cache entry per step that changed a target records what the target holds now.
// Entries are immutable, so each step saves its own key, `<target prefix><digest>-<unique>`, and
// a look-up reads the newest key under the target's prefix. Only keys matter; the entry holds a
// tiny marker file that is never downloaded.
import * as cache from '@actions/cache'
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { EOL, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describeError, log } from '../report/untrusted.js'
import { systemClock, type Clock } from '../runtime.js'

// Part of every key: bump it to invalidate all markers if what goes into a key changes.
const SKIP_KEY_PREFIX = 'atlan-lineage-v3-'
/**
 * What a step records when it may have changed its target without passing. Not hex, so it never
 * equals a digest; `newest` below is not hex either, so the look-up's primary key never matches
 * a saved key, exactly or as a prefix, and the newest key under the target's prefix decides.
 */
const UNKNOWN = 'unknown'
const NEWEST = 'newest'

export const CACHE_UNAVAILABLE =
  'skip_unchanged needs the Actions cache service, which this runner does not provide; running anyway'

/**
 * How long a look-up, and a save, may take. @actions/cache sets no time limit on its requests and
 * retries a failing service for half a minute: the look-up comes before the run, the save before
 * the step ends, and neither is worth holding them up for. A look-up given up is a miss.
 */
export const LOOKUP_LIMIT_MS = 5_000
export const SAVE_LIMIT_MS = 15_000

/** A cache call that took longer than its limit. */
class NoAnswer extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms / 1000} s`)
  }
}

/** `call`'s answer, or NoAnswer once `ms` have passed; the timer ends with the call. */
async function within<T>(ms: number, sleep: Clock['sleep'], call: () => Promise<T>): Promise<T> {
  const done = new AbortController()
  const expired = sleep(ms, done.signal).then(() => {
    throw new NoAnswer(ms)
  })
  try {
    return await Promise.race([call(), expired])
  } finally {
    done.abort()
    expired.catch(() => undefined)
  }
}

/** One step's marker: where its target's markers live, and what it records there when it passes. */
export interface SkipMarker {
  /** `atlan-lineage-v3-<sha256 of the target>-`: every marker of one target starts with it. */
  prefix: string
  /** sha256 of the CSV and the settings; hex only. */
  digest: string
}

/** The marker of a step: `target` names what it changes, `settings` how; key order never matters. */
export function skipMarker(p: {
  target: unknown
  csvSha256: string
  settings: unknown
}): SkipMarker {
  return {
    prefix: `${SKIP_KEY_PREFIX}${sha256(stableJson(p.target))}-`,
    digest: sha256(`${p.csvSha256}\n${stableJson(p.settings)}`)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** JSON with object keys sorted at every depth, so equal settings always hash alike. */
function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  // Dates, URLs and the like serialise through toJSON, as JSON.stringify would.
  if ('toJSON' in value && typeof value.toJSON === 'function') return sortKeys(value.toJSON())
  const out: Record<string, unknown> = {}
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  for (const [key, v] of entries) out[key] = sortKeys(v)
  return out
}

/**
 * The cached path. @actions/cache folds the path into the entry's version, so it must be the
 * same string on every run and every runner: the OS temp dir is (RUNNER_TEMP differs between
 * self-hosted runners, and a file in the workspace would dirty the user's checkout).
 */
function markerPath(): string {
  return join(tmpdir(), 'atlan-lineage-skip', 'marker.json')
}

export interface CacheApi {
  isFeatureAvailable(): boolean
  restoreCache: typeof cache.restoreCache
  saveCache: typeof cache.saveCache
}

interface SkipCache {
  /**
   * True when the newest marker under the marker's prefix records its digest: the last step that
   * changed this target passed with this CSV and these settings. False on a miss or any trouble.
   */
  wasDone(marker: SkipMarker): Promise<boolean>
  /**
   * Records what the target holds now: `digest` after a step that passed, undefined ("unknown")
   * after one that may have changed it without passing. True when saved; false (and at most one
   * warning) otherwise.
   */
  markDone(prefix: string, digest: string | undefined): Promise<boolean>
}

export function createSkipCache(
  deps: {
    api?: CacheApi
    warning?: (message: string) => void
    now?: () => number
    sleep?: Clock['sleep']
  } = {}
): SkipCache {
  const api = deps.api ?? cache
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? systemClock.sleep
  const warning = deps.warning ?? log.warning
  let warned = false
  const warnOnce = (detail?: string): void => {
    if (warned) return
    warned = true
    warning(detail ? `${CACHE_UNAVAILABLE} (${detail})` : CACHE_UNAVAILABLE)
  }
  // GHES without the cache service, local runs and act lack the URL or the runtime token.
  // The cache API when the service is there; undefined (after one warning) when not.
  const available = (): CacheApi | undefined => {
    try {
      if (process.env.ACTIONS_RUNTIME_TOKEN && api.isFeatureAvailable()) return api
    } catch (error) {
      warnOnce(describeError(error))
      return undefined
    }
    warnOnce()
    return undefined
  }

  return {
    async wasDone({ prefix, digest }) {
      const cacheApi = available()
      if (!cacheApi) return false
      try {
        // Exact key first, then its prefixes, then the restore keys' prefixes, newest first: the
        // primary key matches nothing, so the newest marker of this target is the answer.
        const hit = await quietly(() =>
          within(LOOKUP_LIMIT_MS, sleep, () =>
            cacheApi.restoreCache([markerPath()], `${prefix}${NEWEST}`, [prefix], {
              lookupOnly: true
            })
          )
        )
        return hit?.startsWith(prefix) === true && hit.slice(prefix.length).split('-')[0] === digest
      } catch (error) {
        warnOnce(describeError(error))
        return false
      }
    },
    async markDone(prefix, digest) {
      const cacheApi = available()
      if (!cacheApi) return false
      try {
        const at = now()
        const key = `${prefix}${digest ?? UNKNOWN}-${uniqueSuffix(at)}`
        const path = markerPath()
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, JSON.stringify({ key, at: new Date(at).toISOString() }))
        // -1: not saved; @actions/cache has already said why.
        const saved = await quietly(() =>
          within(SAVE_LIMIT_MS, sleep, () => cacheApi.saveCache([path], key))
        )
        if (saved === -1 && digest === undefined) warning(unknownNotSaved())
        return saved !== -1
      } catch (error) {
        if (digest === undefined) warning(unknownNotSaved(describeError(error)))
        else warnOnce(describeError(error))
        return false
      }
    }
  }
}

/**
 * The one save whose failure can make a later skip wrong: the marker before this step's stays the
 * newest, and it may name the CSV of a step that passed before this one changed the target.
 */
function unknownNotSaved(detail?: string): string {
  return (
    `skip_unchanged could not record that this step may have changed its target without passing${detail ? ` (${detail})` : ''}: ` +
    'a later step with the CSV and settings of the last step that passed may be skipped although the target no longer holds them. ' +
    'Run the next step for this target with skip_unchanged: false, or re-run until one passes.'
  )
}

/**
 * Entries are immutable: every step saves a key of its own. The run, its attempt and the time
 * tell steps apart (a job re-run is another attempt; two steps of one job, another time).
 */
function uniqueSuffix(nowMs: number): string {
  const part = (value: string | undefined, fallback: string) =>
    (value ?? '').replace(/[^0-9A-Za-z]/g, '') || fallback
  return `${part(process.env.GITHUB_RUN_ID, 'local')}-${part(process.env.GITHUB_RUN_ATTEMPT, '1')}-${nowMs}`
}

const shared = createSkipCache()

export function wasDone(marker: SkipMarker): Promise<boolean> {
  return shared.wasDone(marker)
}

export function markDone(prefix: string, digest: string | undefined): Promise<boolean> {
  return shared.markDone(prefix, digest)
}

/**
 * @actions/cache writes its tar command line ("[command]/usr/bin/tar …") and upload progress
 * ("Sent 298 of 298") straight to stdout. For a marker file that is noise in the user's log:
 * while a cache call runs, those lines become debug lines; workflow commands (its warnings)
 * pass through unchanged.
 */
async function quietly<T>(call: () => Promise<T>): Promise<T> {
  const out = process.stdout
  const write = out.write
  const patched: typeof out.write = function (chunk: string | Uint8Array, ...rest: unknown[]) {
    out.write = write
    try {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      for (const line of text.split(/\r?\n/)) {
        if (!line) continue
        if (line.startsWith('::')) write.call(out, line + EOL)
        else log.debug(line)
      }
    } finally {
      out.write = patched
    }
    const done = rest.find(r => typeof r === 'function')
    if (typeof done === 'function') done()
    return true
  }
  out.write = patched
  try {
    return await call()
  } finally {
    out.write = write
  }
}
