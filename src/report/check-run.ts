// The check run's life in this step: created when the target is known (or, when the step ends
// before that, at the end), pointed at the run once it has a name, completed by publish(). It is
// a report, not a gate: its GitHub calls run alongside the Atlan work, which never waits on them
// (only completing it waits for the calls before).
import { context } from '@actions/github'
import type { Config } from '../config/types.js'
import { CheckRunReporter, headSha, type CheckComplete } from '../github/checks.js'
import { createOctokit } from '../github/octokit.js'
import { redact } from '../config/redact.js'
import { mdLink, mdText, plain } from './untrusted.js'

const RUNNING = 'Atlan Lineage Builder is running'

export class CheckRunSession {
  /** The GitHub calls started so far, in order (each ends without throwing). */
  #calls: Promise<void> = Promise.resolve()
  #begun = false

  private constructor(
    private readonly reporter: CheckRunReporter,
    private readonly name: string
  ) {}

  /** Runs `call` after the calls before it, without waiting for it here. */
  #then(call: () => Promise<unknown>): void {
    this.#calls = this.#calls.then(call).then(
      () => undefined,
      () => undefined
    )
  }

  /** A session when check_run is on, else undefined. */
  static for(config: Config): CheckRunSession | undefined {
    if (!config.checkRun || !config.githubToken) return undefined
    const { owner, repo } = context.repo
    const octokit = createOctokit(config.githubToken)
    return new CheckRunSession(new CheckRunReporter({ octokit, owner, repo }), config.checkName)
  }

  /** The check run's id, once created (after `settled()`). */
  get id(): number | undefined {
    return this.reporter.id
  }

  /** Starts creating the check run `in_progress` (once); the caller goes on at once. */
  begin(detailsUrl?: string): void {
    if (this.#begun || !this.reporter.enabled) return
    this.#begun = true
    this.#then(() =>
      this.reporter.start({
        name: this.name,
        headSha: headSha(),
        detailsUrl,
        title: RUNNING,
        summary: 'The Lineage Builder run is in progress.'
      })
    )
  }

  /** Resolves once every call started so far has ended (or given up). */
  settled(): Promise<void> {
    return this.#calls
  }

  /** Points the check run at the run, after its creation; the caller goes on at once. */
  pointAt(run: { workflowName: string; runName: string; runUrl: string }): void {
    this.#then(() =>
      this.reporter.update({
        title: RUNNING,
        // Run and workflow names come from Atlan: escaped and redacted like any server text.
        summary: `Following ${mdLink(`run ${run.runName}`, run.runUrl)} of workflow ${mdText(run.workflowName)}.`,
        detailsUrl: redact(run.runUrl),
        externalId: plain(run.runName, 200, true)
      })
    )
  }

  /** Completes the check run once the calls before it have ended. */
  async complete(p: CheckComplete): Promise<void> {
    await this.#calls
    await this.reporter.complete(p)
  }
}
