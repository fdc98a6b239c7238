// PUT the lineage file to a presigned object-store URL (docs/atlan-contract.md §3.13), streamed
// from its one open handle so a large CSV is never held in memory. The URL's query string is a
// signature: it is never logged.
import { createHash, randomUUID } from 'node:crypto'
import { openLineageFile, type LineageSource } from '../lineage/source.js'
import { CancelledError } from '../run/signals.js'
import { errorFromException, errorFromStatus, malformedError } from './error-mapping.js'
import type { RequestContext } from './error-mapping.js'
import { parseRetryAfter, withRetry } from './retry.js'
import { uploadUrlRefusal } from './outbound.js'
import { MAX_ERROR_BODY_BYTES, proxyFor, readCapped } from './transport.js'
import type { Transport } from './transport.js'

export interface UploadResult {
  status: number
  bytes: number
}

/** The URL without its query string, safe to show. */
function redactUrl(url: string): string {
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

/** Raised when the bytes sent differ from the bytes validated (the file changed in between). */
function changedError(file: string, sent: string, validated: string): Error {
  return new Error(
    `${file} changed after it was validated: the uploaded bytes (sha256 ${sent.slice(0, 12)}…) are not the validated ones (${validated.slice(0, 12)}…). ` +
      'Nothing was submitted. Make sure no other step writes the file while this action runs, then re-run the job.'
  )
}

/**
 * PUT the lineage file to `url`: no Authorization header (the URL carries its own),
 * Content-Length from the opened file, and `x-ms-blob-type: BlockBlob` always (Azure requires it;
 * S3 and GCS ignore it). 200 (S3, GCS) and 201 (Azure) are success. Transient failures are
 * retried from byte 0 of the same handle.
 *
 * Safety: the URL must pass the outbound policy (https, no private or metadata host) before any
 * connection; each attempt ends after `timeoutMs` without progress and at the deadline; a cancel
 * stops the body at once and no attempt starts after it; and the sha256 of the bytes sent must
 * equal the one validation recorded.
 */
export async function uploadFile(
  t: Transport,
  url: string,
  file: string | LineageSource,
  timeoutMs: number
): Promise<UploadResult> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    // No cause attached: URL's TypeError quotes the signed URL.
    throw new Error('The presigned upload URL returned by Atlan is not a valid URL.')
  }
  const shown = redactUrl(url)
  const refusal = uploadUrlRefusal(target)
  if (refusal)
    throw new Error(
      `Refusing to upload to the presigned URL Atlan returned (${shown}): ${refusal}. ` +
        'Nothing was sent. Presigned URLs must point at the cloud object store over https; ask Atlan support if the tenant hands out other addresses.'
    )
  t.assertNotCancelled('the upload')
  const source =
    typeof file === 'string'
      ? await openLineageFile(file, process.env.GITHUB_WORKSPACE || process.cwd())
      : file
  try {
    return await putWithRetry(t, url, target, shown, source, timeoutMs)
  } finally {
    if (typeof file === 'string') await source.close()
  }
}

async function putWithRetry(
  t: Transport,
  url: string,
  target: URL,
  shown: string,
  source: LineageSource,
  timeoutMs: number
): Promise<UploadResult> {
  const endpoint = `PUT ${target.pathname}`
  const size = source.size
  const proxy = proxyFor(url)
  return withRetry(
    async () => {
      t.assertNotCancelled('the upload')
      const requestId = randomUUID()
      const attemptMs = t.attemptTimeoutMs(timeoutMs)
      const ctx: RequestContext = {
        endpoint,
        requestId,
        service: 'store',
        host: target.host,
        proxy,
        timeoutMs: attemptMs
      }
      // Idle timeout: restarted by every chunk sent, so a slow but moving upload lives on while
      // a store that stops reading (or never answers) is cut after timeoutMs; never past the
      // deadline.
      const idle = new AbortController()
      let timer: NodeJS.Timeout | undefined
      const arm = () => {
        clearTimeout(timer)
        timer = setTimeout(() => idle.abort(), t.attemptTimeoutMs(timeoutMs))
      }
      const left = t.timeLeftMs()
      const hard = Number.isFinite(left) && left > 0 ? AbortSignal.timeout(left) : undefined
      const signal = t.withCancel(hard ? AbortSignal.any([idle.signal, hard]) : idle.signal)
      const hash = createHash('sha256')
      let sent = 0
      const cancel = t.signal
      async function* body(): AsyncGenerator<Uint8Array> {
        for await (const chunk of source.chunks(cancel, hash)) {
          sent += chunk.byteLength
          arm()
          yield chunk
        }
      }
      const started = t.clock.now()
      let status: number
      let text: string
      let retryAfter: string | null
      arm()
      try {
        const res = await t.fetch(url, {
          method: 'PUT',
          headers: {
            'content-length': String(size),
            'x-ms-blob-type': 'BlockBlob',
            'user-agent': t.userAgent
          },
          body: body(),
          duplex: 'half',
          signal,
          redirect: 'manual',
          untrusted: true
        })
        status = res.status
        retryAfter = res.headers.get('retry-after')
        ;({ text } = await readCapped(res, MAX_ERROR_BODY_BYTES))
      } catch (e) {
        if (cancel?.aborted)
          throw new CancelledError('The job was cancelled during the upload.', { cause: e })
        throw errorFromException(ctx, e, idle.signal.aborted || hard?.aborted === true)
      } finally {
        clearTimeout(timer)
      }
      t.log.debug(`PUT ${shown} (${size} bytes) -> ${status} in ${t.clock.now() - started} ms`)
      if (status === 200 || status === 201) {
        const digest = hash.digest('hex')
        const expected = source.validatedSha256 ?? digest
        if (sent !== size || digest !== expected)
          throw changedError(source.relative, digest, expected)
        return { status, bytes: size }
      }
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
