// The post step: if the main step was cancelled or killed while a run it started (or may have
// started) was in flight, stop that run. The main step clears the state on every other ending,
// so nothing here runs after a normal finish or an error. It never fails the job by itself: every
// problem here is a warning.
import { AtlanClient } from './atlan/client.js'
import { describeError } from './error-text.js'
import { readInputs } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import { log } from './report/untrusted.js'
import type { RunRef } from './run/api.js'
import { sleep } from './run/clock.js'
import { loadInFlight, saveInFlight, type InFlight } from './run/state.js'
import { VERSION } from './version.js'

/** How long to look for the run of a submit that never answered (the index may lag). */
const FIND_RUN_MS = 30_000

type Finder = Pick<AtlanClient, 'runsOf'>

/**
 * The run a submit that never answered may have started (docs/atlan-contract.md §3.6-3.7): the
 * newest Pending/Running run of the workflow that was not already active before the submit.
 */
export async function findStartedRun(
  client: Finder,
  inFlight: InFlight,
  opts: { now(): number; sleep(ms: number): Promise<void>; withinMs: number }
): Promise<RunRef | undefined> {
  const earlier = new Set(inFlight.earlierActive ?? [])
  const until = opts.now() + opts.withinMs
  for (;;) {
    const runs = await client.runsOf(inFlight.workflowName, 50)
    const ours = runs.find(
      r => (r.phase === 'Pending' || r.phase === 'Running') && !earlier.has(r.name)
    )
    if (ours || opts.now() + 2000 > until) return ours
    await opts.sleep(2000)
  }
}

export async function cleanup(): Promise<void> {
  const inFlight = loadInFlight()
  if (!inFlight) return
  try {
    const config = parseConfig(readInputs())
    if (!config.cancelOnJobCancel) {
      log.info(
        `Run of ${inFlight.workflowName} may still be in flight; cancel_on_job_cancel is false, so it is left running.`
      )
      return
    }
    const client = new AtlanClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      version: VERSION,
      requestTimeoutMs: Math.min(config.requestTimeoutMs, 10_000),
      deadline: Date.now() + 60_000
    })
    try {
      let runName = inFlight.runName
      if (!runName) {
        log.info(
          `The main step was cancelled before Atlan named the run of ${inFlight.workflowName}: looking for it.`
        )
        runName = (
          await findStartedRun(client, inFlight, {
            now: Date.now,
            sleep: ms => sleep(ms),
            withinMs: FIND_RUN_MS
          })
        )?.name
      }
      if (!runName) {
        log.info(`No run of ${inFlight.workflowName} is in flight: nothing to stop.`)
        return
      }
      await client.stopRun(runName)
      saveInFlight(undefined)
      log.info(`The job ended while run ${runName} was in flight: asked Atlan to stop it.`)
    } finally {
      await client.close()
    }
  } catch (err) {
    log.warning(
      `Post step: could not stop the in-flight run of ${inFlight.workflowName}: ${describeError(err)}`
    )
  }
}
