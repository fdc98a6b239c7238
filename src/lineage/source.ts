// The lineage file, opened once: confined to the workspace (after symlinks), a regular file of
// known size under a cap. Validation and the upload both read this one handle, so what is sent is
// what was checked (the upload compares sha256 digests to prove it).
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { open, realpath, stat, type FileHandle } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { ConfigError } from '../config/errors.js'
import { CancelledError } from '../run/signals.js'
import { readReused } from './read-chunks.js'

/** GitHub refuses files above 100 MB in a repository; a lineage CSV is far below. */
export const MAX_LINEAGE_FILE_BYTES = 100 * 1024 * 1024
// The upload's chunks are fresh (the socket may still hold one when the next is read), and small
// enough to be freed by the young-generation GC (CONTRIBUTING.md "Bounded memory").
const CHUNK_BYTES = 1 << 16

export class LineageSource {
  /** sha256 (hex) of the bytes validation read, once it has read them all. */
  validatedSha256?: string

  constructor(
    /** The input as given. */
    readonly input: string,
    /** The real path (symlinks resolved). */
    readonly absolute: string,
    /** Relative to the workspace, `/`-separated: what annotations and messages show. */
    readonly relative: string,
    readonly size: number,
    private readonly handle: FileHandle
  ) {}

  /**
   * The file's first `size` bytes, from byte 0, in fresh chunks (positional reads, so passes do
   * not disturb each other). Stops with CancelledError as soon as `signal` aborts; `hash`, if
   * given, sees every byte yielded.
   */
  async *chunks(signal?: AbortSignal, hash?: { update(b: Uint8Array): unknown }) {
    let position = 0
    while (position < this.size) {
      if (signal?.aborted)
        throw new CancelledError(`The job was cancelled while reading ${this.relative}.`)
      const want = Math.min(CHUNK_BYTES, this.size - position)
      const buf = Buffer.allocUnsafe(want)
      const { bytesRead } = await this.handle.read(buf, 0, want, position)
      if (bytesRead === 0) break
      position += bytesRead
      const chunk = buf.subarray(0, bytesRead)
      hash?.update(chunk)
      yield chunk
    }
  }

  /**
   * The same bytes as chunks(), read into two reused buffers: a chunk is only valid until the
   * next one is requested. For a reader that copies what it keeps (validation): it leaves no
   * garbage buffers behind.
   */
  reusedChunks(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    return readReused(this.handle, this.size, () => {
      if (signal?.aborted)
        throw new CancelledError(`The job was cancelled while reading ${this.relative}.`)
    })
  }

  /** sha256 (hex) of the whole file as it is now, read through the same handle. */
  async sha256(signal?: AbortSignal): Promise<string> {
    const hash = createHash('sha256')
    for await (const chunk of this.chunks(signal)) hash.update(chunk)
    return hash.digest('hex')
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined)
  }
}

function invalid(file: string, why: string, fix: string): ConfigError {
  return new ConfigError(
    `input "lineage_file": ${JSON.stringify(file)} ${why}. ${fix}`,
    'lineage_file'
  )
}

/**
 * Opens `file` (relative to `workspace`, or absolute) after checking that its real path lies
 * inside the workspace and that it is a regular file whose size is known and at most
 * MAX_LINEAGE_FILE_BYTES. Every refusal is a ConfigError naming lineage_file.
 */
export async function openLineageFile(file: string, workspace: string): Promise<LineageSource> {
  const checkout = 'Check the path, and run actions/checkout before this step.'
  let root: string
  try {
    root = await realpath(workspace)
  } catch {
    throw invalid(file, `cannot be looked up: the workspace ${workspace} does not exist`, checkout)
  }
  const given = isAbsolute(file) ? file : resolve(workspace, file)
  let real: string
  try {
    real = await realpath(given)
  } catch {
    throw invalid(file, `was not found in the workspace (${workspace})`, checkout)
  }
  if (real !== root && !real.startsWith(root + sep))
    throw invalid(
      file,
      'resolves (after symlinks) to a file outside the workspace',
      'The action only reads files inside GITHUB_WORKSPACE: give a path inside your checkout, and do not point it through a symlink that leaves it.'
    )
  const info = await stat(real)
  if (info.isDirectory())
    throw invalid(file, 'is a directory', 'Give the path of the CSV file itself.')
  if (!info.isFile())
    throw invalid(file, 'is not a regular file', 'Give the path of a CSV file in your checkout.')
  // O_NOFOLLOW: the real path must not have been swapped for a symlink since realpath.
  const handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(e => {
    throw invalid(
      file,
      `cannot be opened (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      checkout
    )
  })
  try {
    const opened = await handle.stat()
    if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev)
      throw invalid(file, 'changed while it was being opened', 'Re-run the job.')
    const mb = MAX_LINEAGE_FILE_BYTES / (1024 * 1024)
    if (opened.size > MAX_LINEAGE_FILE_BYTES)
      throw invalid(
        file,
        `is ${(opened.size / (1024 * 1024)).toFixed(1)} MB, above the ${mb} MB limit (GitHub's own file-size limit)`,
        'Split the lineage into several files and run the action once per file.'
      )
    // /proc-like files report size 0 but have content: their size cannot be known up front.
    if (opened.size === 0) {
      const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, 0)
      if (bytesRead > 0)
        throw invalid(
          file,
          'reports a size of 0 bytes but has content, so its size cannot be known',
          'Give the path of an ordinary CSV file in your checkout.'
        )
    }
    // Show the path as given (a symlink inside the workspace keeps its own name).
    const shown = relative(workspace, given)
    const rel = (shown.startsWith('..') || isAbsolute(shown) ? relative(root, real) : shown)
      .split(sep)
      .join('/')
    return new LineageSource(file, real, rel, opened.size, handle)
  } catch (e) {
    await handle.close().catch(() => undefined)
    throw e
  }
}
