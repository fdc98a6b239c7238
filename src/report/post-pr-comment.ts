// The pull-request comment's life in a step: at the end, from the final report, find where it
// goes (the pull request of a pull_request event; the merged pull request of a pushed commit),
// create or update it, and say once, in a warning, why not when GitHub refuses. It never throws,
// never changes the step's result, and gives up after COMMENT_DEADLINE_MS.
import { context } from '@actions/github'
import { formatDuration } from '../config/duration.js'
import {
  commentFailure,
  commentTimeout,
  pullsOfCommit,
  tokenLogin,
  upsertComment,
  type CommentsClient
} from '../github/comments.js'
import { createOctokit } from '../github/octokit.js'
import {
  commentMarker,
  renderMergeReport,
  renderPrComment,
  type CommentLinks,
  type PrCommentInput
} from './pr-comment.js'
import type { ReportInput } from './summary.js'
import { log } from './untrusted.js'

/** The comment's whole time budget, retries included (octokit.ts retries a 5xx twice). */
export const COMMENT_DEADLINE_MS = 30_000
/** A rate limit that resets later than this (seconds) is not waited for. */
const MAX_RATE_LIMIT_WAIT_S = 10
/** Merged pull requests of one pushed commit that get the result, at most. */
const MAX_MERGED = 5

/** The slice of github.context the comment reads. */
export interface CommentEvent {
  eventName: string
  sha: string
  ref: string
  payload: { pull_request?: { [key: string]: unknown }; number?: number }
  /** Undefined when GITHUB_REPOSITORY is not set. */
  repo?: { owner: string; repo: string }
  serverUrl: string
  runId: number
  runAttempt: number
  workflow: string
}

type Target =
  | { kind: 'pull_request'; number: number; fork: boolean; headSha?: string }
  | { kind: 'push'; sha: string; branch: string }

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined

/** The full name of a pull request side's repository (null: a deleted fork). */
const repoName = (side: unknown): unknown => {
  const repo = field(side, 'repo')
  return repo === null ? null : field(repo, 'full_name')
}

/** Where the comment goes on this event; undefined for events that get none. */
export function commentTarget(ev: CommentEvent): Target | undefined {
  if (PR_EVENTS.has(ev.eventName)) {
    const pr = ev.payload.pull_request
    const number = field(pr, 'number') ?? ev.payload.number
    if (typeof number !== 'number') return undefined
    const head = repoName(field(pr, 'head'))
    const base = repoName(field(pr, 'base'))
    const sha = field(field(pr, 'head'), 'sha')
    return {
      kind: 'pull_request',
      number,
      // Under pull_request, a head in another repository (or in a fork since deleted) gets a
      // read-only token; pull_request_target runs with the base repository's token.
      fork:
        ev.eventName === 'pull_request' &&
        (head === null || (head !== undefined && base !== undefined && head !== base)),
      headSha: typeof sha === 'string' ? sha : undefined
    }
  }
  // Only a push to a branch merges pull requests (a tag push does not).
  const branch = /^refs\/heads\/(.+)$/.exec(ev.ref ?? '')?.[1]
  if (ev.eventName === 'push' && branch && ev.sha) return { kind: 'push', sha: ev.sha, branch }
  return undefined
}

function eventOf(): CommentEvent {
  let repo: CommentEvent['repo']
  try {
    repo = context.repo
  } catch {
    repo = undefined // no GITHUB_REPOSITORY: a local run
  }
  const { eventName, sha, ref, payload, serverUrl, runId, runAttempt, workflow } = context
  return { eventName, sha, ref, payload, repo, serverUrl, runId, runAttempt, workflow }
}

/** The run's page (its job summary), for this attempt when known. */
function linksOf(ev: CommentEvent, target: Target): CommentLinks {
  const { owner, repo } = ev.repo ?? { owner: '', repo: '' }
  const attempt =
    Number.isInteger(ev.runAttempt) && ev.runAttempt > 0 ? `/attempts/${ev.runAttempt}` : ''
  return {
    summaryUrl:
      Number.isInteger(ev.runId) && ev.runId > 0
        ? `${ev.serverUrl.replace(/\/+$/, '')}/${owner}/${repo}/actions/runs/${ev.runId}${attempt}`
        : undefined,
    workflow: ev.workflow || undefined,
    commit: target.kind === 'push' ? target.sha : (target.headSha ?? ev.sha),
    branch: target.kind === 'push' ? target.branch : undefined
  }
}

export interface PostDeps {
  event?: CommentEvent
  /** The GitHub client, its every request aborted by `signal`. */
  client?: (token: string, signal: AbortSignal) => CommentsClient
  warning?: (message: string) => void
  deadlineMs?: number
}

/** Creates or updates the comment of this step; one warning when it cannot. */
export async function postPrComment(
  input: ReportInput & { secrets: readonly string[]; checkPreview?: string },
  deps: PostDeps = {}
): Promise<void> {
  const { config } = input
  if (!config?.prComment) return
  const event = deps.event ?? eventOf()
  const target = commentTarget(event)
  if (!target || !event.repo) return
  if (!config.githubToken) {
    log.info('pr_comment: github_token is empty, so no pull-request comment.')
    return
  }
  const deadline = deps.deadlineMs ?? COMMENT_DEADLINE_MS
  const signal = AbortSignal.timeout(deadline)
  const client = (
    deps.client ??
    ((token, s) => createOctokit(token, { maxRateLimitWaitS: MAX_RATE_LIMIT_WAIT_S, signal: s }))
  )(config.githubToken, signal)
  const warning = deps.warning ?? log.warning
  const report: PrCommentInput = { ...input, config }
  const links = linksOf(event, target)
  const { owner, repo } = event.repo
  let what = 'comment on the pull request'
  try {
    const marker = commentMarker(config)
    if (target.kind === 'pull_request') {
      what = `comment on pull request #${target.number}`
      const body = renderPrComment(report, links)
      const pr = { owner, repo, number: target.number }
      const author = await tokenLogin(client)
      const done = await upsertComment(client, pr, marker, body, author)
      log.info(`Pull request comment ${done.action} on #${target.number}.`)
      return
    }
    what = `find the pull requests of commit ${target.sha.slice(0, 12)}`
    const merged = (await pullsOfCommit(client, { owner, repo, sha: target.sha }))
      .filter(p => p.merged && p.baseRef === target.branch)
      .slice(0, MAX_MERGED)
    if (!merged.length) {
      log.debug(`pr_comment: commit ${target.sha} merged no pull request into ${target.branch}.`)
      return
    }
    const body = renderMergeReport(report, links)
    what = 'find who the token writes comments as'
    const author = await tokenLogin(client)
    for (const p of merged) {
      what = `comment on pull request #${p.number}`
      const pr = { owner, repo, number: p.number }
      const done = await upsertComment(client, pr, marker, body, author)
      log.info(
        `Pull request comment ${done.action} on #${p.number} with the result after the merge.`
      )
    }
  } catch (err) {
    const fork = target.kind === 'pull_request' && target.fork
    warning(
      signal.aborted
        ? commentTimeout(what, formatDuration(deadline))
        : commentFailure(err, what, fork)
    )
  }
}
