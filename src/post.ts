// The post step: if the main step was cancelled while a run was in flight, stop that run.
// It never fails the job by itself: every problem here is a warning.
import { AtlanClient } from './atlan/client.js'
import { describeError } from './atlan/errors.js'
import { readInputs } from './config/inputs.js'
import { parseConfig } from './config/parse.js'
import { log } from './report/untrusted.js'
import { loadInFlight } from './run/state.js'
import { VERSION } from './version.js'

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
        const latest = await client.latestRun(inFlight.workflowName)
        if (latest && (latest.phase === 'Pending' || latest.phase === 'Running'))
          runName = latest.name
      }
      if (!runName) return
      await client.stopRun(runName)
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
