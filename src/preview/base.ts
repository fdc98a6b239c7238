// The base version of the lineage CSV, read from git, and the base commit from the event.

import { spawn } from 'node:child_process'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as nodePath from 'node:path'
import { readReused } from '../lineage/read-chunks.js'

export type BaseMissingReason = 'invalid-sha' | 'not-a-repo' | 'no-commit' | 'no-file' | 'git-error'

export interface BaseMissing {
  /** A sentence for the summary: why there is no base version. */
  missing: string
  /**
   * 'no-file': the file did not exist at the base commit, so the base graph is empty and every
   * edge is added. Anything else: no base could be read, so there is nothing to diff against.
   */
  reason: BaseMissingReason
}

interface GitResult {
  code: number
  stdout: string
  stderr: string
}

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' }

function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise(resolve => {
    const child = spawn('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', e => resolve({ code: -1, stdout: '', stderr: String(e.message) }))
    child.on('close', code =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8').trim()
      })
    )
  })
}

const short = (sha: string): string => sha.slice(0, 12)

/** The top of the checkout `cwd` is in, once `baseSha` is known to look like a commit id. */
async function repositoryOf(cwd: string, baseSha: string): Promise<{ root: string } | BaseMissing> {
  if (!/^[0-9a-f]{4,64}$/i.test(baseSha)) {
    return {
      reason: 'invalid-sha',
      missing: `the base commit id ${JSON.stringify(baseSha)} is not a commit sha`
    }
  }
  const top = await git(cwd, ['rev-parse', '--show-toplevel'])
  if (top.code !== 0) {
    return {
      reason: 'not-a-repo',
      missing: `${cwd} is not a git checkout, so the base version cannot be read (git: ${top.stderr || 'failed'})`
    }
  }
  return { root: top.stdout.trim() }
}

/**
 * Copies `git show <baseSha>:<path>` (raw blob bytes: git applies no textconv to a blob unless
 * asked) to a temporary file, and reads it from there. `path` is relative to `cwd` or absolute; it must lie inside the repository.
 * Returns `{missing}` when the commit is not in the checkout or the file did not exist then.
 */
export async function readBaseVersion(opts: {
  cwd: string
  path: string
  baseSha: string
}): Promise<BaseVersion | BaseMissing> {
  const { cwd, baseSha } = opts
  const repo = await repositoryOf(cwd, baseSha)
  if ('missing' in repo) return repo
  const { root } = repo
  const rel = nodePath
    .relative(root, nodePath.resolve(cwd, opts.path))
    .split(nodePath.sep)
    .join('/')
  if (rel === '' || rel.startsWith('../') || nodePath.isAbsolute(rel)) {
    return { reason: 'git-error', missing: `${opts.path} is outside the repository at ${root}` }
  }
  const commit = await git(cwd, ['cat-file', '-e', `${baseSha}^{commit}`])
  if (commit.code !== 0) {
    const shallow = await git(cwd, ['rev-parse', '--is-shallow-repository'])
    return {
      reason: 'no-commit',
      missing:
        `the checkout lacks the base commit ${short(baseSha)}` +
        (shallow.stdout.trim() === 'true' ? ' (it is a shallow clone)' : '') +
        ': use actions/checkout with fetch-depth: 0'
    }
  }
  const spec = `${baseSha}:${rel}`
  const type = await git(cwd, ['cat-file', '-t', spec])
  if (type.code !== 0) {
    return {
      reason: 'no-file',
      missing: `${rel} did not exist at the base commit ${short(baseSha)}`
    }
  }
  if (type.stdout.trim() !== 'blob') {
    return {
      reason: 'git-error',
      missing: `${rel} at the base commit ${short(baseSha)} is a ${type.stdout.trim()}, not a file`
    }
  }
  return showToFile(cwd, spec)
}

/**
 * The files a push changed, as absolute paths: those added or modified between the base commit
 * and the checkout's working tree (deleted files are gone). Another lineage CSV among them may
 * hold a row moved out of this one (tenant/moved-rows.ts).
 */
export async function changedSince(
  cwd: string,
  baseSha: string
): Promise<{ files: string[] } | { missing: string }> {
  const repo = await repositoryOf(cwd, baseSha)
  if ('missing' in repo) return { missing: repo.missing }
  const { root } = repo
  const diff = await git(root, [
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    '--diff-filter=AM',
    baseSha,
    '--'
  ])
  if (diff.code !== 0)
    return { missing: `git diff against ${short(baseSha)} failed (${diff.stderr || 'no output'})` }
  const files = diff.stdout.split('\0').filter(f => f !== '')
  return { files: files.map(f => nodePath.join(root, f)) }
}

/** The base version, being copied out of git; read it with `for await`, or `close()` it unread. */
export interface BaseVersion extends AsyncIterable<Uint8Array> {
  /** Removes the copy (iterating to the end, or stopping early, does it too). */
  close(): Promise<void>
}

/**
 * `git show <spec>` into a temporary file, started at once (it runs while the head version is
 * validated), then read in reused buffers: reading git's pipe would leave a fresh buffer per
 * 64 KiB behind, tens of MB of garbage for a large file before a full GC frees it.
 */
async function showToFile(cwd: string, spec: string): Promise<BaseVersion> {
  const dir = await mkdtemp(nodePath.join(process.env.RUNNER_TEMP || tmpdir(), 'lineage-base-'))
  const file = nodePath.join(dir, 'base.csv')
  const out = await open(file, 'w').catch(async (e: unknown) => {
    await rm(dir, { recursive: true, force: true })
    throw e
  })
  const child = spawn('git', ['show', spec], {
    cwd,
    env: GIT_ENV,
    stdio: ['ignore', out.fd, 'pipe']
  })
  const err: Buffer[] = []
  child.stderr?.on('data', (b: Buffer) => {
    if (err.length < 64) err.push(b)
  })
  const written = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', c => resolve(c ?? -1))
  }).finally(() => out.close())
  written.catch(() => undefined) // observed when read; avoid an unhandled rejection if never read
  let removing: Promise<void> | undefined
  const close = (): Promise<void> => {
    if (child.exitCode === null) child.kill()
    removing ??= written
      .catch(() => undefined)
      .then(() => rm(dir, { recursive: true, force: true }))
    return removing
  }
  return {
    close,
    async *[Symbol.asyncIterator]() {
      try {
        const code = await written
        if (code !== 0) {
          throw new Error(
            `git show ${spec} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`
          )
        }
        const fh = await open(file, 'r')
        try {
          yield* readReused(fh)
        } finally {
          await fh.close()
        }
      } finally {
        await close()
      }
    }
  }
}

/** The commit to diff against: the PR's base, or the commit before a push. */
export function baseShaFromEvent(eventName: string, payload: unknown): string | undefined {
  const p = (payload ?? {}) as Record<string, unknown>
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = p.pull_request as { base?: { sha?: unknown } } | undefined
    return str(pr?.base?.sha)
  }
  if (eventName === 'push') {
    const before = str(p.before)
    return before && !/^0+$/.test(before) ? before : undefined
  }
  if (eventName === 'merge_group') {
    const mg = p.merge_group as { base_sha?: unknown } | undefined
    return str(mg?.base_sha)
  }
  return undefined
}
