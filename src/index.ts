// One bundle for both steps: the main step marks its state, so the post step knows it is one.
// The post step acts only when the main step left a run in flight, which happens only after a
// cancelled or killed main step; it never fails the job (post.ts turns every problem into a
// warning).
import { run } from './main.js'
import { cleanup } from './post.js'
import { isPostStep, loadInFlight, markMainStarted } from './run/state.js'

const EXIT_GRACE_MS = 2000

if (isPostStep()) {
  if (loadInFlight()) void cleanup()
} else {
  markMainStarted()
  // The step ends when run() does. A request given up on but never answered (a cache service
  // that holds its connection open, src/github/cache.ts) would otherwise keep the process, and
  // the job, waiting on its socket; the grace lets the last log lines reach the runner.
  void run().finally(() => setTimeout(() => process.exit(), EXIT_GRACE_MS).unref())
}
