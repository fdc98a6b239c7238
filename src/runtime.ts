// Time, randomness and the step log as every module takes them: injected, so tests never wait and
// never write to the runner. `systemClock` and report/untrusted.ts's `log` are the real ones.

export interface Clock {
  /** Epoch ms. */
  now(): number
  /** Resolves after `ms`; an implementation given a `signal` settles early when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Uniform in [0, 1). */
  random(): number
}

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}

export const systemClock: Clock = { now: Date.now, sleep, random: Math.random }
