// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later: both abort the run's follow
// loop, the CSV check and the upload, and block every request that would start work.
import type { Logger } from '../runtime.js'

/** Thrown instead of sending (or while awaiting) a request that starts work after a cancel. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
}

export function cancelOnSignals(log: Pick<Logger, 'info'>): {
  signal: AbortSignal
  dispose(): void
} {
  const controller = new AbortController()
  const handler = (sig: NodeJS.Signals) => {
    // A second signal must not fall through to Node's default (exit) while the stop is sent.
    if (controller.signal.aborted) return
    log.info(`Received ${sig}: the job is being cancelled.`)
    controller.abort()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}
