// The check run's life in this step: created when the target is known (or, when the step ends
// before that, at the end), pointed at the run once it has a name, completed by publish().
import { context } from '@actions/github'
import type { Config } from '../config/types.js'
import { CheckRunReporter, headSha, type CheckComplete } from '../github/checks.js'
import { createOctokit } from '../github/octokit.js'
import { redact } from '../config/redact.js'
import { mdLink, mdText, plain } from './untrusted.js'

const RUNNING = 'Atlan Lineage Builder is running'

export class CheckRunSession {
  private constructor(
    private readonly reporter: CheckRunReporter,
    private readonly name: string
  ) {}

  /** A session when check_run is on, else undefined. */
  static for(config: Config): CheckRunSession | undefined {
    if (!config.checkRun || !config.githubToken) return undefined
    const { owner, repo } = context.repo
    const octokit = createOctokit(config.githubToken)
    return new CheckRunSession(new CheckRunReporter({ octokit, owner, repo }), config.checkName)
  }

  get id(): number | undefined {
    return this.reporter.id
  }

  /** Creates the check run `in_progress` (once). */
  async begin(detailsUrl?: string): Promise<void> {
    if (this.reporter.id !== undefined || !this.reporter.enabled) return
    await this.reporter.start({
      name: this.name,
      headSha: headSha(),
      detailsUrl,
      title: RUNNING,
      summary: 'The Lineage Builder run is in progress.'
    })
  }

  async pointAt(run: { workflowName: string; runName: string; runUrl: string }): Promise<void> {
    await this.reporter.update({
      title: RUNNING,
      // Run and workflow names come from Atlan: escaped and redacted like any server text.
      summary: `Following ${mdLink(`run ${run.runName}`, run.runUrl)} of workflow ${mdText(run.workflowName)}.`,
      detailsUrl: redact(run.runUrl),
      externalId: plain(run.runName, 200, true)
    })
  }

  complete(p: CheckComplete): Promise<void> {
    return this.reporter.complete(p)
  }
}
