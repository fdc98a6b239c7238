// One bundle for both steps: the main step marks its state, so the post step knows it is one.
// The post step's code (and the Atlan client it needs) is loaded only when the main step left a
// run in flight, which happens only after a cancelled or killed main step.
import { describeError } from './error-text.js'
import { run } from './main.js'
import { log } from './report/untrusted.js'
import { isPostStep, loadInFlight, markMainStarted } from './run/state.js'

if (isPostStep()) {
  if (loadInFlight())
    void import('./post.js')
      .then(post => post.cleanup())
      // The post step never fails the job: a problem here is a warning.
      .catch((err: unknown) =>
        log.warning(`Post step: could not load its code: ${describeError(err)}`)
      )
} else {
  markMainStarted()
  void run()
}
