// A check run on the commit that mirrors the Lineage Builder run. Best effort: a token that may
// not write checks turns the reporter into a no-op after one warning; it never fails the step.
import { context } from '@actions/github'
import { RequestError } from '@octokit/request-error'
import { errorCode, networkCodeText } from '../atlan/error-mapping.js'
import { describeError, log } from '../report/untrusted.js'
import {
  ANNOTATION_MESSAGE_LIMIT,
  ANNOTATION_TITLE_LIMIT,
  ANNOTATIONS_PER_REQUEST,
  chunk,
  clampCheckText,
  clampText
} from './check-limits.js'
import { GitHubRequestTimeout, type Octokit } from './octokit.js'

export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'timed_out' | 'skipped'

export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  message: string
  title?: string
}

interface CheckStart {
  name: string
  headSha: string
  detailsUrl?: string
  externalId?: string
  title: string
  summary: string
}

interface CheckUpdate {
  title: string
  summary: string
  text?: string
  detailsUrl?: string
  externalId?: string
}

export interface CheckComplete {
  conclusion: CheckConclusion
  title: string
  summary: string
  text?: string
  annotations?: readonly CheckAnnotation[]
  detailsUrl?: string
}

/** The slice of Octokit the reporter uses, so tests can hand in a fake. */
export interface ChecksClient {
  rest: { checks: Pick<Octokit['rest']['checks'], 'create' | 'update'> }
}

interface CheckRunReporterOptions {
  octokit: ChecksClient
  owner: string
  repo: string
  /** Default: the step log's warning. */
  warning?: (message: string) => void
  /** More annotations than this are left out, with a line in the summary. Default 500. */
  maxAnnotations?: number
}

/**
 * An input value that is false only on a pull_request from a fork, whose token no permission makes
 * writable; true on every other event (a push has no github.event.pull_request, so a comparison
 * of its fields alone would be false there too). `__tests__/docs/fork-expression.test.ts`
 * evaluates it with GitHub's own expression library.
 */
export const NOT_A_FORK_PULL_REQUEST =
  "${{ github.event_name != 'pull_request' || !github.event.pull_request.head.repo.fork }}"

/** For a 403: the token may not write checks. */
const PERMISSION_FIX =
  'add `permissions: checks: write` to the job; on pull requests from forks the token is read-only whatever the permissions, so the check run is skipped there ' +
  `(to skip it without this warning: check_run: ${NOT_A_FORK_PULL_REQUEST})`

/** For a 404: GitHub could not find the repository or commit for this token. */
const NOT_FOUND_FIX =
  'check that github_token belongs to this repository (a token of another repository or an app not installed here gets 404) and that GITHUB_REPOSITORY and the commit are the ones this job runs on'

/** The subset of github.context that headSha reads. */
interface EventContext {
  eventName: string
  sha: string
  payload: { pull_request?: { [key: string]: unknown } }
}

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
])

/** The commit the check belongs on: a PR's head (GITHUB_SHA is its merge commit), else GITHUB_SHA. */
export function headSha(ctx: EventContext = context): string {
  const head = PR_EVENTS.has(ctx.eventName) ? ctx.payload.pull_request?.head : undefined
  const sha = typeof head === 'object' && head !== null && 'sha' in head ? head.sha : undefined
  return typeof sha === 'string' && sha !== '' ? sha : ctx.sha
}

type Output = { title: string; summary: string; text?: string; annotations?: CheckAnnotation[] }

export class CheckRunReporter {
  private checkId?: number
  private url?: string
  private started?: CheckStart
  private disabled = false
  private readonly warnedOps = new Set<string>()
  private readonly warning: (message: string) => void
  private readonly maxAnnotations: number

  constructor(private readonly opts: CheckRunReporterOptions) {
    this.warning = opts.warning ?? log.warning
    this.maxAnnotations = opts.maxAnnotations ?? 500
  }

  get id(): number | undefined {
    return this.checkId
  }

  get htmlUrl(): string | undefined {
    return this.url
  }

  /** False once GitHub refused us; every later call is a no-op. */
  get enabled(): boolean {
    return !this.disabled
  }

  /** Create the check run `in_progress`. Returns its id, or undefined when it could not be made. */
  async start(p: CheckStart): Promise<number | undefined> {
    if (this.disabled || this.checkId !== undefined) return this.checkId
    this.started = p
    await this.attempt('create', () => this.create(p))
    return this.checkId
  }

  async update(p: CheckUpdate): Promise<void> {
    const id = await this.ensureCreated()
    if (id === undefined) return
    await this.attempt('update', () =>
      this.patch(id, {
        details_url: p.detailsUrl,
        external_id: p.externalId,
        output: output(p)
      })
    )
  }

  /**
   * Finish the run. Annotations go in batches of 50: every batch but the last in PATCH updates
   * while the run is still in progress, the last one in the completing PATCH, so the run turns
   * `completed` only with every annotation attached.
   */
  async complete(p: CheckComplete): Promise<void> {
    const id = await this.ensureCreated()
    if (id === undefined) return
    const all = p.annotations ?? []
    const kept = all.slice(0, this.maxAnnotations).map(cleanAnnotation)
    const summary =
      all.length > kept.length
        ? `${p.summary}\n\nOnly the first ${kept.length} of ${all.length} problems are annotated.`
        : p.summary
    const base = output({ ...p, summary })
    const batches = chunk(kept, ANNOTATIONS_PER_REQUEST)
    const last = batches.pop()
    for (const annotations of batches) {
      await this.attempt('annotate', () => this.patch(id, { output: { ...base, annotations } }))
      if (this.disabled) return
    }
    await this.attempt('complete', () =>
      this.patch(id, {
        status: 'completed',
        conclusion: p.conclusion,
        completed_at: new Date().toISOString(),
        details_url: p.detailsUrl,
        output: last ? { ...base, annotations: last } : base
      })
    )
  }

  private async create(p: CheckStart): Promise<void> {
    const { owner, repo } = this.opts
    const res = await this.opts.octokit.rest.checks.create({
      owner,
      repo,
      name: p.name,
      head_sha: p.headSha,
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(p.detailsUrl ? { details_url: p.detailsUrl } : {}),
      ...(p.externalId ? { external_id: p.externalId } : {}),
      output: output(p)
    })
    this.checkId = res.data.id
    this.url = res.data.html_url ?? undefined
  }

  /** Unset fields are left out of the request (Octokit drops undefined parameters). */
  private async patch(
    id: number,
    body: {
      status?: 'completed'
      conclusion?: CheckConclusion
      completed_at?: string
      details_url?: string
      external_id?: string
      output: Output
    }
  ): Promise<void> {
    const { owner, repo } = this.opts
    await this.opts.octokit.rest.checks.update({ owner, repo, check_run_id: id, ...body })
  }

  /** The run's id; a start that failed for a passing reason is retried once by the next call. */
  private async ensureCreated(): Promise<number | undefined> {
    if (this.disabled) return undefined
    if (this.checkId !== undefined) return this.checkId
    if (!this.started) {
      log.debug('check run: update/complete before start; nothing to report on')
      return undefined
    }
    const started = this.started
    await this.attempt('create', () => this.create(started))
    return this.checkId
  }

  private async attempt(op: string, call: () => Promise<void>): Promise<void> {
    try {
      await call()
    } catch (error) {
      const name = this.started?.name ?? 'check run'
      const unreachable = networkFailure(error)
      if (unreachable) {
        // Retried briefly already (octokit.ts): the check run is given up for this step.
        this.disabled = true
        this.warning(
          `Check run "${name}" skipped: could not reach the GitHub API to ${op} it (${unreachable}); the step goes on without it. Check GITHUB_API_URL and the runner's network or proxy settings.`
        )
        return
      }
      const status = error instanceof RequestError ? error.status : undefined
      const message = apiMessage(error)
      const detail = `${status !== undefined ? `HTTP ${status}: ` : ''}${message}`
      const rateLimited = /rate limit/i.test(message)
      if (status === 403 && !rateLimited) {
        this.disabled = true
        this.warning(
          `Check run "${name}" skipped: GitHub refused to ${op} it (${detail}). To fix: ${PERMISSION_FIX}.`
        )
      } else if (status === 404) {
        this.disabled = true
        this.warning(
          `Check run "${name}" skipped: GitHub could not find where to ${op} it (${detail}). To fix: ${NOT_FOUND_FIX}.`
        )
      } else if (status === 401) {
        this.disabled = true
        this.warning(
          `Check run "${name}" skipped: GitHub rejected the token (${detail}); check the github_token input.`
        )
      } else if (!this.warnedOps.has(op)) {
        // One warning per kind of call: ten failing annotation batches say it once.
        this.warnedOps.add(op)
        this.warning(`Check run "${name}": could not ${op} it (${detail}); the step goes on.`)
      }
    }
  }
}

function output(p: { title: string; summary: string; text?: string }): Output {
  return {
    title: p.title,
    summary: clampCheckText(p.summary),
    ...(p.text !== undefined ? { text: clampCheckText(p.text) } : {})
  }
}

function cleanAnnotation(a: CheckAnnotation): CheckAnnotation {
  const start = Math.max(1, Math.trunc(a.start_line) || 1)
  return {
    path: a.path,
    start_line: start,
    end_line: Math.max(start, Math.trunc(a.end_line) || start),
    annotation_level: a.annotation_level,
    message: clampText(a.message, ANNOTATION_MESSAGE_LIMIT),
    ...(a.title ? { title: clampText(a.title, ANNOTATION_TITLE_LIMIT) } : {})
  }
}

/**
 * Why a request got no HTTP answer at all (`connection refused`), or undefined when GitHub
 * answered. Octokit reports such failures as status 500 without a response; the cause says what
 * happened.
 */
export function networkFailure(error: unknown): string | undefined {
  if (!(error instanceof RequestError) || error.response !== undefined) return undefined
  if (error.cause instanceof GitHubRequestTimeout) return error.cause.message
  const code = errorCode(error.cause)
  if (code) return networkCodeText(code) ?? code
  const cause = error.cause
  return cause instanceof Error && cause.name === 'AbortError'
    ? 'the request was aborted'
    : 'no answer'
}

/** GitHub's own message ("Resource not accessible by integration"), without the docs link. */
export function apiMessage(error: unknown): string {
  const data = error instanceof RequestError ? error.response?.data : undefined
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
    return data.message
  return describeError(error)
}
