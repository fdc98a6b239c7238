// One bundle for both steps: the main step marks its state, so the post step knows it is one.
// The post step acts only when the main step left a run in flight, which happens only after a
// cancelled or killed main step; it never fails the job (post.ts turns every problem into a
// warning).
import { run } from './main.js'
import { cleanup } from './post.js'
import { isPostStep, loadInFlight, markMainStarted } from './run/state.js'

if (isPostStep()) {
  if (loadInFlight()) void cleanup()
} else {
  markMainStarted()
  void run()
}
