// skip_unchanged: a cache entry keyed by the CSV and the effective settings marks a successful
// run. Only the key matters; the entry holds a tiny marker file that is never downloaded.
import * as cache from '@actions/cache'
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { EOL, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describeError, log } from '../report/untrusted.js'

const SKIP_KEY_PREFIX = 'atlan-lineage-'
// Part of every key: bump it to invalidate all markers if what goes into a key changes.
const KEY_FORMAT = 'v2'

export const CACHE_UNAVAILABLE =
  'skip_unchanged needs the Actions cache service, which this runner does not provide; running anyway'

/** `atlan-lineage-<sha256>` of the CSV digest and the settings, independent of key order. */
export function skipKey(p: { csvSha256: string; settings: unknown }): string {
  const digest = createHash('sha256')
    .update(`${KEY_FORMAT}\n${p.csvSha256}\n${stableJson(p.settings)}`)
    .digest('hex')
  return `${SKIP_KEY_PREFIX}${digest}`
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
  /** True when a successful run with this key was recorded; false on a miss or any trouble. */
  wasDone(key: string): Promise<boolean>
  /** Record the key. True when saved; false (and at most one warning) otherwise. */
  markDone(key: string): Promise<boolean>
}

export function createSkipCache(
  deps: { api?: CacheApi; warning?: (message: string) => void } = {}
): SkipCache {
  const api = deps.api ?? cache
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
    async wasDone(key) {
      const cacheApi = available()
      if (!cacheApi) return false
      try {
        const hit = await quietly(() =>
          cacheApi.restoreCache([markerPath()], key, [], { lookupOnly: true })
        )
        return hit === key
      } catch (error) {
        warnOnce(describeError(error))
        return false
      }
    },
    async markDone(key) {
      const cacheApi = available()
      if (!cacheApi) return false
      try {
        const path = markerPath()
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, JSON.stringify({ key, at: new Date().toISOString() }))
        // -1: not saved; @actions/cache has already said why (for example, the key exists).
        return (await quietly(() => cacheApi.saveCache([path], key))) !== -1
      } catch (error) {
        warnOnce(describeError(error))
        return false
      }
    }
  }
}

const shared = createSkipCache()

export function wasDone(key: string): Promise<boolean> {
  return shared.wasDone(key)
}

export function markDone(key: string): Promise<boolean> {
  return shared.markDone(key)
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
