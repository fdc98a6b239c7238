// One bundle for both steps: the main step marks its state, so the post step knows it is one.
// The post step is loaded only when it runs (it needs the Atlan client, which the main step loads
// once its inputs are valid).
import { run } from './main.js'
import { isPostStep, markMainStarted } from './run/state.js'

if (isPostStep()) {
  void import('./post.js').then(post => post.cleanup())
} else {
  markMainStarted()
  void run()
}
