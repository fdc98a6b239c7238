// Upload a CSV the way the Atlan UI does for a Direct-upload workflow (docs/atlan-contract.md
// §10.2): one multipart POST to /api/service/files, answered by an AtlanFile whose `key` and `id`
// the workflow's lineage_file then names. Sent through the transport, so its timeouts, retries
// and redaction apply.
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { z } from 'zod'
import { AtlanError } from './errors.js'
import { openLineageFile, type LineageSource } from '../lineage/source.js'
import type { Transport } from './transport.js'

/** The Atlan UI's documented limit for a direct upload. */
export const DIRECT_UPLOAD_LIMIT_BYTES = 10_000_000

/** What to tell a user whose file is over the limit (checked locally, or answered 413). */
export const TOO_LARGE_HINT =
  'Atlan accepts direct uploads of at most 10 MB. Switch the workflow to object storage (in Atlan: edit the Lineage Builder workflow, Input → Object storage) or create one with mode: create, then run this action again.'

/** The fields of an AtlanFile this action reads; the rest passes through. */
const atlanFileSchema = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  fileName: z.string().nullish(),
  rawName: z.string().nullish(),
  fileSize: z.number().nullish()
})
export type AtlanFile = z.infer<typeof atlanFileSchema>

/**
 * Reads `path` (at most DIRECT_UPLOAD_LIMIT_BYTES, checked by the caller), checks it is still the
 * file that was validated when `expectedSha256` is given, and uploads it.
 */
export async function uploadDirectFile(
  t: Transport,
  file: string | LineageSource,
  expectedSha256?: string
): Promise<AtlanFile> {
  // The opened, workspace-confined lineage file when the caller has it; else it is opened under
  // the same rules (see lineage/source.ts), as upload.ts does.
  const source =
    typeof file === 'string'
      ? await openLineageFile(file, process.env.GITHUB_WORKSPACE || process.cwd())
      : file
  const path = source.relative
  const parts: Uint8Array[] = []
  try {
    for await (const chunk of source.chunks(t.signal)) parts.push(chunk)
  } finally {
    if (typeof file === 'string') await source.close()
  }
  const bytes = Buffer.concat(parts)
  const sha = createHash('sha256').update(bytes).digest('hex')
  if (expectedSha256 && sha !== expectedSha256)
    throw new Error(
      `${basename(path)} changed after it was validated (sha256 ${sha} instead of ${expectedSha256}); nothing was uploaded. Make sure no other step writes the file while this one runs.`
    )
  const name = basename(path)
  // Field names and values as atlan-java's FilesEndpoint sends them, `name` with the literal value
  // "name"; the file name travels in the file part (docs/atlan-contract.md §10.2).
  const form = new FormData()
  form.append('name', 'name')
  form.append('prefix', 'custom_file_upload')
  form.append('force', 'false')
  form.append('excludePrefix', 'false')
  form.append('file', new Blob([bytes], { type: 'text/csv' }), name)
  // The platform's own encoder builds the body and its boundary.
  const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form })
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data'
  const raw = { contentType, bytes: new Uint8Array(await encoded.arrayBuffer()) }
  try {
    return await t.json({ method: 'POST', path: 'files', raw, schema: atlanFileSchema })
  } catch (e) {
    if (e instanceof AtlanError && e.status === 413)
      throw new AtlanError({
        ...e,
        summary: `Atlan refused ${name} (${bytes.length} bytes) as too large for a direct upload (413).`,
        hint: TOO_LARGE_HINT
      })
    throw e
  }
}
