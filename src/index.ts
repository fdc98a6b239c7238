// One bundle for both steps: the main step marks its state, so the post step knows it is one.
import './v8-flags.js'
import { run } from './main.js'
import { cleanup } from './post.js'
import { isPostStep, markMainStarted } from './run/state.js'

if (isPostStep()) {
  void cleanup()
} else {
  markMainStarted()
  void run()
}
