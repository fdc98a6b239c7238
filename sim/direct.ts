// Direct-upload workflows (docs/atlan-contract.md §10.1–10.2): the multipart `POST files` endpoint, the file a run
// reads, and the Azure move step that copies the uploaded file (by id) onto its key first.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { extname } from 'node:path'
import { NO_INPUT_MESSAGE } from './csv-rules.js'
import { HttpError, ok, type Reply } from './http.js'
import { joinKey } from './objectstore.js'
import type { Ctx } from './router.js'
import type { Run, SimState } from './state.js'
import type { AtlanFile, Parameter } from './types.js'
import { paramValue } from './workflows.js'

/** The package's placeholder key: a DIRECT run whose key ends with it has no input (docs/atlan-contract.md §10.1). */
export const DEFAULT_FILE = 'argo-artifacts/atlan-update/@atlan-packages-last-safe-run.txt'

/**
 * INFERENCE (docs/atlan-contract.md §10.4): the text of a fetch-credentials failure is not in the sources; the step
 * fails before the file is read, so the run ends Failed.
 */
export function credentialFailure(source: string): string {
  return `fetch-credentials: no credential with GUID ${JSON.stringify(source)} was found; the file was not read.`
}

interface Part {
  name: string
  filename?: string
  body: Buffer
}

const CRLF = Buffer.from('\r\n')

/** multipart/form-data (RFC 7578) parts; anything malformed is a 400. */
export function parseMultipart(raw: Buffer, contentType: string | undefined): Part[] {
  const m = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  if (!m) throw new HttpError(400, 'files needs a multipart/form-data body with a boundary')
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`)
  const bad = () => new HttpError(400, 'malformed multipart/form-data body')
  const parts: Part[] = []
  let pos = raw.indexOf(boundary)
  if (pos < 0) throw bad()
  for (;;) {
    pos += boundary.length
    if (raw.subarray(pos, pos + 2).toString() === '--') return parts
    if (!raw.subarray(pos, pos + 2).equals(CRLF)) throw bad()
    const headEnd = raw.indexOf('\r\n\r\n', pos + 2)
    if (headEnd < 0) throw bad()
    const head = raw.subarray(pos + 2, headEnd).toString('utf8')
    const next = raw.indexOf(Buffer.concat([CRLF, boundary]), headEnd + 4)
    if (next < 0) throw bad()
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1]
    const name = disposition && /\bname="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined || name === null) throw bad()
    const filename = /\bfilename="([^"]*)"/i.exec(disposition ?? '')?.[1]
    parts.push({ name, filename, body: raw.subarray(headEnd + 4, next) })
    pos = next + 2
  }
}

const words = ['weathered', 'quiet', 'bold', 'amber', 'firefly', 'river', 'meadow', 'comet']

/** Stores `bytes` as an uploaded file: a fresh id and a different UUID key (docs/atlan-contract.md §10.2). */
export function storeFile(state: SimState, bytes: Buffer, rawName: string): AtlanFile {
  const now = Date.now()
  const extension = extname(rawName) || '.csv'
  const fileName = `${randomUUID()}${extension}`
  const pick = () => words[randomBytes(1)[0] % words.length]
  const file: AtlanFile = {
    id: randomUUID(),
    version: `${pick()}-${pick()}-${1000 + (randomBytes(2).readUInt16BE() % 9000)}`,
    isActive: true,
    createdAt: now,
    updatedAt: now,
    fileName,
    rawName,
    key: fileName,
    extension,
    contentType: extension === '.csv' ? 'text/csv' : 'application/octet-stream',
    fileSize: bytes.length,
    isEncrypted: false,
    redirectUrl: '',
    isUploaded: true,
    uploadedAt: new Date(now).toISOString(),
    isArchived: false
  }
  state.files.set(file.id, { file, bytes: Buffer.from(bytes) })
  state.objects.set(file.key, Buffer.from(bytes))
  return file
}

/** POST /api/service/files: the file part is `file`, with form fields name, prefix, force… */
export function directUploadRoute(ctx: Ctx): Reply {
  const parts = parseMultipart(ctx.raw, ctx.headers['content-type'])
  const file = parts.find(p => p.name === 'file' && p.filename !== undefined)
  if (!file) throw new HttpError(400, 'the multipart body needs a file part named "file"')
  const limit = ctx.state.scenario.directUploadLimitBytes
  if (file.body.length > limit)
    throw new HttpError(
      413,
      `The file is ${file.body.length} bytes; uploads are limited to ${limit} bytes.`
    )
  // The Java SDK sends the field `name` as the literal "name": the file name is the part's (§10.2).
  const rawName = file.filename || 'upload.csv'
  return ok(storeFile(ctx.state, file.body, rawName))
}

/** Summary of the multipart request for the request log (the bytes are not kept there). */
export function recordMultipart(raw: Buffer, contentType: string | undefined): unknown {
  try {
    const parts = parseMultipart(raw, contentType)
    return {
      bytes: raw.length,
      fields: Object.fromEntries(
        parts.filter(p => p.filename === undefined).map(p => [p.name, p.body.toString('utf8')])
      ),
      files: parts
        .filter(p => p.filename !== undefined)
        .map(p => ({ name: p.name, filename: p.filename, size: p.body.length }))
    }
  } catch {
    return { bytes: raw.length }
  }
}

/**
 * The file a DIRECT workflow reads (docs/atlan-contract.md §10.1): a JSON `lineage_file` gives
 * `dig('fileKey', DEFAULT_FILE)` and `dig('fileId', '')`; any other string is the plain key of
 * older templates.
 */
export function directFileRef(value: unknown): { key: string; id: string } | { failure: string } {
  if (typeof value !== 'string') return { failure: NO_INPUT_MESSAGE }
  if (!value.trim().startsWith('{')) return { key: value, id: '' }
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return { failure: 'template: mustFromJson: lineage_file is not valid JSON' }
  }
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >
  return {
    key: typeof obj.fileKey === 'string' ? obj.fileKey : DEFAULT_FILE,
    id: typeof obj.fileId === 'string' ? obj.fileId : ''
  }
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v)
}

/**
 * What a run reads when it starts, from the parameters it snapshotted at submit: the
 * fetch-credentials check first, then (tenant-store workflows only) the object at its key.
 */
export function readRunInput(state: SimState, run: Run): NonNullable<Run['read']> {
  const params: Parameter[] = run.parameters
  const source = str(paramValue(params, 'cloud_source'))
  if (source !== '' && !state.credentials.has(source)) return { failure: credentialFailure(source) }
  if (!run.tenantStore) return {}
  if (paramValue(params, 'lineage_import_type') === 'DIRECT') {
    const ref = directFileRef(paramValue(params, 'lineage_file'))
    if ('failure' in ref) return ref
    if (ref.key.trim() === '' || ref.key.endsWith(DEFAULT_FILE))
      return { failure: NO_INPUT_MESSAGE }
    const key = joinKey('', ref.key)
    if (state.scenario.objectStore === 'azure' && ref.id !== '') {
      const uploaded = state.files.get(ref.id)
      if (!uploaded) return { failure: `move-lineage-file: no uploaded file with id ${ref.id}` }
      state.objects.set(key, Buffer.from(uploaded.bytes))
    }
    return { key, bytes: state.objects.get(key) }
  }
  const k = str(paramValue(params, 'lineage_key'))
  if (k === '') return {}
  const key = joinKey(str(paramValue(params, 'lineage_prefix')), k)
  return { key, bytes: state.objects.get(key) }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
