// zod field parsers for action inputs. Each message names the accepted form; values are echoed
// only for non-secret inputs (the caller decides, via `show`).
import { z } from 'zod'
import { formatDuration, parseDuration } from './duration.js'

/** A string input turned into a value by `fn`; a reported issue names the input's problem. */
function field<T>(fn: (v: string, ctx: z.RefinementCtx<string>) => T) {
  return z.string().transform(fn)
}

const TRUE = new Set(['true', 'yes', 'on', '1'])
const FALSE = new Set(['false', 'no', 'off', '0'])

export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
}

export const bool = field((v, ctx) => {
  const key = v.trim().toLowerCase()
  if (TRUE.has(key)) return true
  if (FALSE.has(key)) return false
  ctx.addIssue({ code: 'custom', message: `got ${shown(v)}; use true or false` })
  return z.NEVER
})

/** verify: true and false as for any switch, or strict (a missing process fails the step). */
export const verifyMode = field((v, ctx): boolean | 'strict' => {
  const key = v.trim().toLowerCase()
  if (key === 'strict') return 'strict'
  if (TRUE.has(key)) return true
  if (FALSE.has(key)) return false
  ctx.addIssue({ code: 'custom', message: `got ${shown(v)}; use true, strict or false` })
  return z.NEVER
})

export function oneOf<T extends string>(values: readonly T[]) {
  return field((v, ctx) => {
    const key = values.find(value => value === v.trim().toLowerCase())
    if (key !== undefined) return key
    ctx.addIssue({ code: 'custom', message: `got ${shown(v)}; use one of ${values.join(', ')}` })
    return z.NEVER
  })
}

export function duration(min: number, max: number) {
  return field((v, ctx) => {
    const ms = parseDuration(v)
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `got ${shown(v)}; use a number with a unit: 500ms, 5s, 2m or 1h`
      })
      return z.NEVER
    }
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: 'custom',
        message: `got ${shown(v)}; it must be between ${formatDuration(min)} and ${formatDuration(max)}`
      })
      return z.NEVER
    }
    return ms
  })
}

export const positiveInt = field((v, ctx) => {
  const t = v.trim()
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 100_000) {
    ctx.addIssue({
      code: 'custom',
      message: `got ${shown(v)}; use a whole number from 1 to 100000`
    })
    return z.NEVER
  }
  return Number(t)
})

/**
 * A separator this action can check a CSV with: one ASCII character other than a quote or a line
 * break (the validator splits on one byte). The input, a rerun's stored setting and the validator
 * all apply this rule.
 */
export function isUsableSeparator(sep: string): boolean {
  return sep.length === 1 && sep.charCodeAt(0) < 128 && !'"\n\r'.includes(sep)
}

export const separator = field((v, ctx) => {
  const named: Record<string, string> = { '\\t': '\t', tab: '\t' }
  const sep = named[v.toLowerCase()] ?? v
  if ([...sep].length !== 1 || sep === '"' || sep === '\n' || sep === '\r') {
    ctx.addIssue({
      code: 'custom',
      message: `got ${shown(v)}; use exactly one character other than a quote or newline, e.g. "," or ";" (write \\t for a tab)`
    })
    return z.NEVER
  }
  // The validator and Lineage Builder split on one byte; a multi-byte UTF-8 character never matches.
  if (Buffer.byteLength(sep, 'utf8') !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `got ${shown(v)}; it must be a single ASCII character (one byte), e.g. "," ";" "|" (write \\t for a tab)`
    })
    return z.NEVER
  }
  return sep
})

/** Hosts that may be reached over plain http (a URL's `hostname`). */
export const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

export const baseUrl = field((v, ctx) => {
  const fail = (why: string) => {
    ctx.addIssue({ code: 'custom', message: `got ${shown(v)}; ${why}` })
    return z.NEVER
  }
  if (!v.trim()) return fail('it is required: your tenant URL, e.g. https://acme.atlan.com')
  let url: URL
  try {
    url = new URL(v.trim())
  } catch {
    return fail('use your tenant URL, e.g. https://acme.atlan.com')
  }
  if (url.username || url.password) return fail('remove the user name and password from the URL')
  if (url.search || url.hash) return fail('remove the query string and fragment')
  // The action appends /api/service/… itself: a path here would double it (docs/atlan-contract.md §2.1).
  if (url.pathname !== '/') return fail(`use the tenant's origin without a path: ${url.origin}`)
  if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname))
    return fail('use https (plain http is only allowed for localhost)')
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail('use an https URL, e.g. https://acme.atlan.com')
  return url.toString().replace(/\/+$/, '')
})

export const workflowName = field((v, ctx) => {
  const t = v.trim()
  if (t && !/^[a-z0-9]([a-z0-9-]{0,251}[a-z0-9])?$/.test(t)) {
    ctx.addIssue({
      code: 'custom',
      message: `got ${shown(v)}; use the workflow's name as Atlan shows it, e.g. csa-lineage-builder-1714638976 (lowercase letters, digits and dashes)`
    })
    return z.NEVER
  }
  return t || undefined
})

export const optionalText = field(v => v.trim() || undefined)
