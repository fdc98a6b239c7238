// Turns an HTTP status, a thrown fetch error or an unreadable body into an AtlanError whose
// message names the cause and the fix (docs/atlan-contract.md §2.3-2.4).
import { z } from 'zod'
import { AtlanError, type AtlanErrorInit } from './errors.js'
import { BlockedAddressError } from './outbound.js'
import { TOO_LARGE } from './retry.js'
import { describeError } from '../report/untrusted.js'

export interface RequestContext {
  /** Method + path (no host, no query of a signed URL). */
  endpoint: string
  requestId: string
  /** Who answered: Atlan itself, or the object store behind a presigned URL. */
  service: 'atlan' | 'store'
  /** Object-store host, for messages about presigned uploads. */
  host?: string
  timeoutMs: number
  /** Replaces the generic 404 advice when the caller knows what was missing. */
  notFoundHint?: string
  /** The proxy the request goes through (credentials already removed), if any. */
  proxy?: string
}

const MAX_DETAIL = 400

/** Paths every legacy tenant serves; a 404 there means the legacy surface is gone (docs/atlan-contract.md §1.1). */
const LEGACY_PROBES = [
  '/api/service/workflows/indexsearch',
  '/api/service/runs/indexsearch',
  '/api/service/workflows?submit=true',
  '/api/service/package-workflows?submit=true'
]

/** The Atlan permission an endpoint needs, in words, and how to get it (README "Permissions"). */
interface Permission {
  what: string
  hint: string
}

/**
 * Which permission a 403 is about, by the endpoint's method and its path under `/api/`; the first
 * row that matches wins, and the last one matches every endpoint.
 */
const PERMISSIONS: ReadonlyArray<{ method?: string; path: RegExp } & Permission> = [
  {
    method: 'DELETE',
    path: /^meta\/entity\/bulk/,
    what: 'delete processes',
    hint: 'prune soft-deletes the processes of removed rows: the token needs delete permission on them (the API-token role has it on every Process unless a persona denies it). Or set prune: false.'
  },
  {
    method: 'GET',
    path: /^meta\/entity\/guid\//,
    what: 'read processes',
    hint: 'prune reads each process again just before deleting it: the token needs read permission on them (the API-token role has it on every Process unless a persona denies it). Or set prune: false.'
  },
  {
    path: /^meta\//,
    what: 'read assets',
    hint: "The tenant check, verify and prune read Atlan's assets: give the API token a persona with read access to the connections the CSV names (Admin → API access → the token → Personas). Or set check_tenant, verify and prune to false."
  },
  {
    path: /^service\/files(\?|$)/,
    what: 'upload files',
    hint: 'A Direct-upload workflow gets each CSV as an uploaded file: give the token a persona or role that may edit workflows (and upload their files), or switch the workflow to object storage.'
  },
  {
    path: /^service\/(package-)?workflows\?submit=true$/,
    what: 'create workflows',
    hint: 'mode: create submits a new workflow: give the token a role that may create workflows (workflow admin or $admin), or create the workflow in the Atlan UI and use mode: rerun.'
  },
  {
    path: /^service\/(package-)?workflows\/[^/?]+(?<!\/(submit|indexsearch))$/,
    what: 'edit workflows',
    hint: "Pointing a Direct-upload workflow at the new file updates the workflow's template: give the token a persona or role that may edit workflows, or switch the workflow to object storage."
  },
  {
    path: /(?:)/,
    what: 'run workflows',
    hint: 'The token needs permission to run workflows: in Atlan (Admin → API access) give it a persona that may run the Lineage Builder workflow, or the $admin / workflow admin role. New permissions can take a minute to apply.'
  }
]

/** Which permission a 403 from `endpoint` (method and path) is about. */
export function permissionFor(endpoint: string): Permission {
  const [method, path = ''] = endpoint.split(' ')
  const under = path.replace(/^\/api\//, '')
  const row = PERMISSIONS.find(p => (!p.method || p.method === method) && p.path.test(under))
  return row ?? PERMISSIONS[PERMISSIONS.length - 1]
}

const TOKEN_HINT =
  'Create a new token in Atlan (Admin → API tokens) and update the secret passed as atlan_api_key.'

/** Summarises the generic error body of docs/atlan-contract.md §2.4, or a short text snippet of anything else. */
export function serverDetail(bodyText: string): string | undefined {
  const text = bodyText.trim()
  if (!text) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return shorten(
      text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    )
  }
  const b = jsonObject.safeParse(parsed).data
  if (!b) return shorten(text)
  const code = firstString(b.errorCode, b.code, b.status)
  const message = firstString(b.errorMessage, b.message)
  const parts: string[] = []
  const head = code && message ? `${code}: ${message}` : (code ?? message)
  if (head) parts.push(head)
  // Servers often repeat the message as a cause: say each text once.
  const said = new Set([code, message].filter(Boolean))
  const addCause = (c: string | undefined) => {
    if (!c || said.has(c)) return
    said.add(c)
    parts.push(`cause: ${c}`)
  }
  addCause(firstString(b.errorCause))
  if (Array.isArray(b.causes)) {
    for (const c of b.causes.slice(0, 3))
      addCause(firstString(jsonObject.safeParse(c).data?.errorMessage))
  }
  const id = firstString(b.errorId)
  if (id) parts.push(`error id ${id}`)
  const doc = firstString(b.doc, b.errorDoc, b.errorDocument, b.errorDocumentation)
  if (doc) parts.push(`see ${doc}`)
  return parts.length ? shorten(parts.join('; ')) : shorten(text)
}

const jsonObject = z.record(z.string(), z.unknown())

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v.trim()) return v.trim()
    if (typeof v === 'number') return String(v)
  }
  return undefined
}

function shorten(s: string): string {
  return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL)}…` : s
}

const MAX_STORE_DETAIL = 160
const SECRETISH =
  /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credential|signature|auth\w*)\s*["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,<>"']+)/gi

/**
 * What an object store (or whatever answered at a presigned URL) said, as its error code and
 * message when it sends the S3/GCS/Azure XML error, else a short excerpt with anything that
 * looks like `password=...` masked. A hostile or internal service must not fill our outputs.
 */
function storeDetail(bodyText: string): string | undefined {
  const tag = (name: string) =>
    new RegExp(`<${name}>([^<]{1,300})</${name}>`).exec(bodyText)?.[1]?.trim()
  const code = tag('Code')
  const message = tag('Message')
  const text =
    code || message
      ? [code, message].filter(Boolean).join(': ')
      : bodyText
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
  if (!text) return undefined
  const masked = text.replace(SECRETISH, '$1***')
  return masked.length > MAX_STORE_DETAIL ? `${masked.slice(0, MAX_STORE_DETAIL)}…` : masked
}

/** Who answered, for the middle of a sentence. */
function who(ctx: RequestContext): string {
  return ctx.service === 'atlan' ? 'Atlan' : `the object store${ctx.host ? ` (${ctx.host})` : ''}`
}

/** Who answered, at the start of a sentence. */
function Who(ctx: RequestContext): string {
  return cap(who(ctx))
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1)
}

/** Maps a non-success HTTP status. `bodyText` must already be redacted. */
export function errorFromStatus(
  ctx: RequestContext,
  status: number,
  bodyText: string,
  opts: { retryAfterMs?: number; location?: string | null } = {}
): AtlanError {
  return new AtlanError({
    status,
    endpoint: ctx.endpoint,
    requestId: ctx.requestId,
    detail: ctx.service === 'store' ? storeDetail(bodyText) : serverDetail(bodyText),
    reason: `HTTP ${status}`,
    retryAfterMs: opts.retryAfterMs,
    ...statusVerdict(ctx, status, opts.location)
  })
}

/** What a failure is and what to do about it; the rest of an AtlanError says where it happened. */
type Verdict = Pick<AtlanErrorInit, 'kind' | 'retryable' | 'summary' | 'hint'>

/** What a row of STATUS_VERDICTS reads to word its verdict. */
interface StatusCase {
  ctx: RequestContext
  status: number
  /** Who answered, at the start of a sentence: `Atlan` or `The object store (host)`. */
  who: string
  atlan: boolean
  location?: string | null
}

/**
 * Non-success statuses, in order: the first row whose statuses (one, or a range), service and
 * condition match gives the verdict; the last row matches every status.
 */
const STATUS_VERDICTS: ReadonlyArray<{
  status: number | readonly [number, number]
  from?: RequestContext['service']
  when?(c: StatusCase): boolean
  verdict(c: StatusCase): Verdict
}> = [
  {
    status: 401,
    from: 'atlan',
    verdict: () => ({
      kind: 'auth',
      retryable: false,
      summary: 'Atlan rejected the API token (401): it is invalid or expired.',
      hint: TOKEN_HINT
    })
  },
  {
    status: 403,
    from: 'atlan',
    verdict: ({ ctx }) => {
      const p = permissionFor(ctx.endpoint)
      return {
        kind: 'permission',
        retryable: false,
        summary: `Atlan refused ${ctx.endpoint} (403): the API token may not ${p.what}.`,
        hint: p.hint
      }
    }
  },
  {
    status: 403,
    verdict: ({ who }) => ({
      kind: 'permission',
      retryable: false,
      summary: `${who} refused the upload (403): the presigned URL was rejected, usually because it expired before the upload started.`,
      hint: 'Re-run the job; if it keeps failing, ask Atlan support whether the tenant store accepts uploads.'
    })
  },
  {
    status: 404,
    from: 'atlan',
    when: ({ ctx }) => LEGACY_PROBES.some(p => ctx.endpoint.endsWith(` ${p}`)),
    verdict: ({ ctx }) => ({
      kind: 'legacy_removed',
      retryable: false,
      summary: `This tenant no longer serves Atlan's legacy workflow API (${ctx.endpoint} answered 404); Lineage Builder has no documented replacement on /api/service/v1/app yet, so it cannot be run from this action.`,
      hint: 'Ask Atlan support whether your tenant can run @csa/lineage-builder via the API. (If atlan_base_url is not your tenant URL, fix that first.)'
    })
  },
  {
    status: 404,
    verdict: ({ ctx, who, atlan }) => ({
      kind: 'not_found',
      retryable: false,
      summary: `${who} answered 404 Not Found for ${ctx.endpoint}.`,
      hint:
        ctx.notFoundHint ??
        (atlan
          ? 'Check that atlan_base_url is your tenant URL (https://<tenant>.atlan.com) and that the workflow or run exists.'
          : 'The bucket or container behind the presigned URL does not exist; ask Atlan support about the tenant store.')
    })
  },
  {
    status: 429,
    verdict: ({ ctx, who, atlan }) => ({
      kind: 'rate_limited',
      retryable: true,
      summary: `${who} rate-limited ${ctx.endpoint} (429 Too Many Requests).`,
      hint: atlan
        ? 'Atlan allows about 1800 requests per minute per IP address; run fewer jobs against the tenant at once, or retry later.'
        : 'Retry later.'
    })
  },
  {
    status: [500, Infinity],
    verdict: ({ ctx, who, status }) => ({
      kind: 'server',
      retryable: true,
      summary: `${who} failed with a server error (${status}) on ${ctx.endpoint}.`,
      hint: 'The service may be degraded or restarting; retry later, and contact Atlan support if it persists.'
    })
  },
  {
    status: [300, 399],
    verdict: ({ ctx, who, status, location }) => ({
      kind: 'bad_request',
      retryable: false,
      summary: `${who} redirected ${ctx.endpoint} (${status}${location ? ` to ${safeOrigin(location)}` : ''}) instead of answering.`,
      hint: 'atlan_base_url must be the tenant address itself (https://<tenant>.atlan.com, no path); a redirect usually means a wrong host, http instead of https, or a login page.'
    })
  },
  // A 401 from the object store: the signature, not the API token.
  {
    status: 401,
    verdict: ({ who }) => ({
      kind: 'permission',
      retryable: false,
      summary: `${who} refused the upload (401).`,
      hint: 'The presigned URL was not accepted; re-run the job, and ask Atlan support if it persists.'
    })
  },
  {
    status: [0, Infinity],
    verdict: ({ ctx, who, status }) => ({
      kind: 'bad_request',
      retryable: false,
      summary: `${who} rejected ${ctx.endpoint} as invalid (${status}).`,
      hint: "Check the inputs named in the server's reply; if they look right, report this as a bug in the action together with the request id."
    })
  }
]

function statusVerdict(ctx: RequestContext, status: number, location?: string | null): Verdict {
  const c: StatusCase = { ctx, status, who: Who(ctx), atlan: ctx.service === 'atlan', location }
  const covers = (s: number | readonly [number, number]) =>
    typeof s === 'number' ? s === status : status >= s[0] && status <= s[1]
  const row = STATUS_VERDICTS.find(
    r => covers(r.status) && (!r.from || r.from === ctx.service) && (r.when?.(c) ?? true)
  )
  return (row ?? STATUS_VERDICTS[STATUS_VERDICTS.length - 1]).verdict(c)
}

function safeOrigin(location: string): string {
  try {
    return new URL(location).origin
  } catch {
    return 'another address'
  }
}

/** A 2xx reply this client cannot read (bad JSON or a schema mismatch). */
export function malformedError(ctx: RequestContext, status: number, why: string): AtlanError {
  return unreadableReply(ctx, status, {
    reason: 'malformed reply',
    what: `a reply this action cannot read: ${shorten(why)}`,
    atlanHint:
      'Check that atlan_base_url points at an Atlan tenant; if it does, the tenant API has changed, so report it with the request id.'
  })
}

/** A 2xx reply above the size cap: never read twice. */
export function tooLargeError(ctx: RequestContext, status: number, capBytes: number): AtlanError {
  const mb = Math.round(capBytes / (1024 * 1024))
  return unreadableReply(ctx, status, {
    code: TOO_LARGE,
    reason: `reply above ${mb} MB`,
    what: `a reply larger than ${mb} MB (after decompression); it was not read further`,
    atlanHint:
      'Check that atlan_base_url points at your Atlan tenant and not at another service or a proxy page.'
  })
}

function unreadableReply(
  ctx: RequestContext,
  status: number,
  r: { reason: string; what: string; atlanHint: string; code?: string }
): AtlanError {
  return new AtlanError({
    kind: 'malformed',
    status,
    endpoint: ctx.endpoint,
    requestId: ctx.requestId,
    retryable: false,
    code: r.code,
    reason: r.reason,
    summary: `${Who(ctx)} answered ${ctx.endpoint} (${status}) with ${r.what}.`,
    hint: ctx.service === 'atlan' ? r.atlanHint : 'Report it with the request id.'
  })
}

// Error codes that prove the request never left this machine or never reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT'
])
const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|UND_ERR_PRX_TLS|EPROTO)/
/** Failures of the connection to the proxy itself (every connection goes there when one is set). */
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_PRX_TUNNEL'
])
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

const CODE_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_PRX_TUNNEL: 'the proxy closed the connection while opening the tunnel'
}

/** What a network error code means, in a few words (`connection refused`), if it is a known one. */
export function networkCodeText(code: string): string | undefined {
  return CODE_TEXT[code]
}

/**
 * Node, undici and DOM errors, read by their fields: they may come from another realm (Node's own
 * modules under a test VM), where instanceof Error fails.
 */
interface PlatformError {
  name?: unknown
  message?: unknown
  code?: unknown
  cause?: unknown
}

/** `err` and its causes, outermost first (five at most). */
function* causes(err: unknown): Generator<PlatformError> {
  let e: unknown = err
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const platform: PlatformError = e
    yield platform
    e = platform.cause
  }
}

/** The first Node/undici error code (ECONNRESET, UND_ERR_SOCKET, ...) along error.cause. */
export function errorCode(err: unknown): string | undefined {
  for (const e of causes(err)) if (typeof e.code === 'string' && e.code) return e.code
  return undefined
}

/** Maps an exception thrown by fetch (or while reading the body). */
export function errorFromException(
  ctx: RequestContext,
  err: unknown,
  timedOut: boolean
): AtlanError {
  if (err instanceof AtlanError) return err
  const code = errorCode(err)
  return new AtlanError({
    endpoint: ctx.endpoint,
    requestId: ctx.requestId,
    code,
    cause: err,
    ...exceptionVerdict(ctx, err, code, timedOut)
  })
}

function exceptionVerdict(
  ctx: RequestContext,
  err: unknown,
  code: string | undefined,
  timedOut: boolean
): Verdict & Pick<AtlanErrorInit, 'notSent' | 'reason'> {
  const w = who(ctx)
  const chain = [...causes(err)]
  if (timedOut || chain[0]?.name === 'TimeoutError' || (code && TIMEOUT_CODES.has(code)))
    return {
      kind: 'timeout',
      retryable: true,
      notSent: code === 'UND_ERR_CONNECT_TIMEOUT',
      reason: code ?? `timeout after ${ctx.timeoutMs} ms`,
      summary: `${Who(ctx)} did not answer ${ctx.endpoint} within ${Math.round(ctx.timeoutMs / 100) / 10} s.`,
      hint: 'The service may be slow or unreachable from the runner; retry later.'
    }
  if (code && TLS_CODES.test(code))
    return {
      kind: 'network',
      retryable: false,
      notSent: true,
      reason: code,
      summary: `The TLS connection to ${w} failed for ${ctx.endpoint} (${code}).`,
      hint: 'If a corporate proxy re-signs TLS, point NODE_EXTRA_CA_CERTS at its CA certificate; otherwise check atlan_base_url.'
    }
  const proxy = ctx.proxy ? `the HTTP proxy ${ctx.proxy}` : 'the HTTP proxy'
  const proxyHint = `Check HTTPS_PROXY/HTTP_PROXY (${ctx.proxy ?? 'the proxy address'} and its credentials), or add ${ctx.host ?? 'the host'} to NO_PROXY.`
  // undici's answer when the proxy refuses CONNECT: "Proxy response (407) !== 200 when HTTP Tunneling".
  if (chain.some(e => typeof e.message === 'string' && e.message.startsWith('Proxy response')))
    return {
      kind: 'network',
      retryable: true,
      notSent: true,
      reason: 'proxy refused the tunnel',
      summary: `${cap(proxy)} refused to connect to ${w} for ${ctx.endpoint}.`,
      hint: proxyHint
    }
  const blocked = chain.find(e => e instanceof BlockedAddressError)
  if (blocked)
    return {
      kind: 'network',
      retryable: false,
      notSent: true,
      reason: blocked.code,
      summary: `Refused to send ${ctx.endpoint} to ${w}: ${blocked.message}.`,
      hint: 'Presigned URLs must point at the cloud object store; ask Atlan support if the tenant hands out internal addresses.'
    }
  const said = code ? `${code}${CODE_TEXT[code] ? `: ${CODE_TEXT[code]}` : ''}` : 'network error'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return {
      kind: 'network',
      retryable: false,
      notSent: true,
      reason: code,
      ...(ctx.proxy
        ? {
            summary: `The host name of ${proxy} could not be resolved (${code}).`,
            hint: proxyHint
          }
        : {
            summary: `The host ${ctx.host ?? 'of the request'} could not be resolved (${code}): no request reached ${w}.`,
            hint:
              ctx.service === 'atlan'
                ? 'Check atlan_base_url for typos (it should be https://<tenant>.atlan.com) and that the runner has DNS access to it.'
                : 'Check that the runner can resolve the object store host (DNS), and HTTPS_PROXY/NO_PROXY.'
          })
    }
  if (ctx.proxy && code && PROXY_CONNECT_CODES.has(code)) {
    // Only a refused or unroutable connection to the proxy proves nothing was sent; a reset or a
    // closed socket may come after the proxy forwarded the request to Atlan (docs/atlan-contract.md §7).
    const notSent = NOT_SENT.has(code)
    return {
      kind: 'network',
      retryable: true,
      notSent,
      reason: code,
      summary: notSent
        ? `Could not connect through ${proxy} to ${w} for ${ctx.endpoint} (${said}).`
        : `The connection through ${proxy} to ${w} was lost during ${ctx.endpoint} (${said}).`,
      hint: proxyHint
    }
  }
  return {
    kind: 'network',
    retryable: true,
    notSent: code !== undefined && NOT_SENT.has(code),
    reason: code ?? (describeError(err) || 'network error'),
    summary: `Could not reach ${w} for ${ctx.endpoint} (${said}).`,
    hint:
      ctx.service === 'atlan'
        ? 'Check atlan_base_url, that the runner can reach the tenant, and HTTPS_PROXY/NO_PROXY.'
        : 'Check that the runner can reach the object store, and HTTPS_PROXY/NO_PROXY.'
  }
}
