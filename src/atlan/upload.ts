// PUT a file to a presigned object-store URL (docs/atlan-contract.md §3.13), streamed from disk so a large CSV is
// never held in memory. The URL's query string is a signature: it is never logged.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { errorFromException, errorFromStatus, malformedError } from './error-mapping.js'
import type { RequestContext } from './error-mapping.js'
import { parseRetryAfter, withRetry } from './retry.js'
import type { Transport } from './transport.js'

export interface UploadResult {
  status: number
  bytes: number
}

/** The URL without its query string, safe to show. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`
  } catch {
    return '(unparseable URL)'
  }
}

/** Removes every query value of the signed URL (signature, credential) from `text`. */
function redactSigned(text: string, url: URL): string {
  let out = text
  for (const value of url.searchParams.values()) {
    if (value.length >= 8) out = out.split(value).join('***')
  }
  return out.replace(
    /<(Signature\w*|StringToSign\w*|CanonicalRequest\w*)>[\s\S]*?<\/\1>/g,
    '<$1>***</$1>'
  )
}

/**
 * PUT `path` to `url`: no Authorization header (the URL carries its own), Content-Length from
 * stat, and `x-ms-blob-type: BlockBlob` always (Azure requires it; S3 and GCS ignore it).
 * 200 (S3, GCS) and 201 (Azure) are success. Transient failures are retried with a fresh stream.
 */
export async function uploadFile(
  t: Transport,
  url: string,
  path: string,
  timeoutMs: number
): Promise<UploadResult> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    // No cause attached: URL's TypeError quotes the signed URL.
    throw new Error('The presigned upload URL returned by Atlan is not a valid URL.')
  }
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new Error('not a regular file')
    size = s.size
  } catch (e) {
    throw new Error(`Cannot read the file to upload, ${path}: ${(e as Error).message}`, {
      cause: e
    })
  }
  const endpoint = `PUT ${target.pathname}`
  const shown = redactUrl(url)

  return withRetry(
    async () => {
      const requestId = randomUUID()
      const attemptMs = t.attemptTimeoutMs(timeoutMs)
      const ctx: RequestContext = {
        endpoint,
        requestId,
        service: 'store',
        host: target.host,
        timeoutMs: attemptMs
      }
      const signal = AbortSignal.timeout(attemptMs)
      const stream = createReadStream(path)
      const started = t.clock.now()
      let status: number
      let text: string
      let retryAfter: string | null
      try {
        const res = await t.fetch(url, {
          method: 'PUT',
          headers: {
            'content-length': String(size),
            'x-ms-blob-type': 'BlockBlob',
            'user-agent': t.userAgent
          },
          body: stream,
          duplex: 'half',
          signal,
          redirect: 'manual'
        })
        status = res.status
        retryAfter = res.headers.get('retry-after')
        text = await res.text()
      } catch (e) {
        throw errorFromException(ctx, e, signal.aborted)
      } finally {
        stream.destroy()
      }
      t.log.debug(`PUT ${shown} (${size} bytes) -> ${status} in ${t.clock.now() - started} ms`)
      if (status === 200 || status === 201) return { status, bytes: size }
      if (status >= 200 && status < 300) {
        throw malformedError(ctx, status, `expected 200 or 201, got ${status}`)
      }
      throw errorFromStatus(ctx, status, t.redact(redactSigned(text, target)), {
        retryAfterMs: parseRetryAfter(retryAfter, t.clock.now())
      })
    },
    {
      policy: t.policy,
      clock: t.clock,
      log: t.log,
      deadline: t.deadline,
      label: `PUT ${shown}`,
      // A 403 here means the signature was refused or expired: repeating it cannot help.
      shouldRetry: err => err.retryable
    }
  )
}
