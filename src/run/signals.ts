// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later: both abort the run's follow loop.
import { log } from '../report/untrusted.js'

export function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
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
