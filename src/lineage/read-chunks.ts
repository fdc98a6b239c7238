// Reading a file in small chunks into reused buffers, for passes that copy what they keep.
import type { FileHandle } from 'node:fs/promises'

/**
 * 64 KiB: larger decoded strings would land in V8's large-object space and linger until a full
 * GC.
 */
export const READ_CHUNK_BYTES = 1 << 16

/**
 * Reads `fh` from byte 0 (positional reads, so other readers of the handle are not disturbed) up
 * to `size` bytes or its end, in READ_CHUNK_BYTES chunks into two reused buffers: the next read
 * runs while the current chunk is validated, and no garbage buffers pile up (fresh ones would
 * wait for a full GC as external memory). A yielded chunk is only valid until the next one is
 * requested (the validator copies what it keeps). `beforeRead` may throw to stop (a cancel).
 */
export async function* readReused(
  fh: FileHandle,
  size = Infinity,
  beforeRead?: () => void
): AsyncGenerator<Uint8Array> {
  const bufs = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)]
  let cur = 0
  let position = 0
  const next = () => {
    beforeRead?.()
    const want = Math.min(READ_CHUNK_BYTES, size - position)
    return want > 0 ? fh.read(bufs[cur], 0, want, position) : Promise.resolve({ bytesRead: 0 })
  }
  let pending = next()
  for (;;) {
    const { bytesRead } = await pending
    if (bytesRead === 0) return
    const chunk = bufs[cur].subarray(0, bytesRead)
    position += bytesRead
    cur ^= 1
    pending = next()
    // A rejected read is awaited on the next turn; until then it must not count as unhandled.
    pending.catch(() => undefined)
    yield chunk
  }
}
