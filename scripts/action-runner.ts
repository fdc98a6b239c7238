// Runs the bundled action (dist/index.js) as the runner does (used by the tests and the demo): INPUT_* variables, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files, which must exist beforehand.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputEnv, repoRoot } from './action-inputs.js'

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** Every text the action wrote, for leak scans. */
  everything: string
}

export interface StartOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** State from an earlier main step: makes this the post step. */
  state?: Record<string, string>
  cwd?: string
  timeoutMs?: number
  /** How to start the bundle (a benchmark wraps it in /usr/bin/time); default `node <entry>`. */
  launch?: (entry: string) => { command: string; args: string[] }
  /**
   * Every jittered wait (retry back-off, poll jitter) takes the shortest value its policy can draw
   * (`Math.random` is 0 in the child): the same attempts and requests, without seconds of back-off.
   * For runs whose subject is not the timing; the policies are unit-tested with injected randomness.
   */
  minJitter?: boolean
}

/**
 * The node that runs the bundle: ACTION_NODE when set (the runner's node24 on a machine whose own
 * node is older: `.ci/run` runs the end-to-end tests with it), else this process's node.
 */
export const actionNode = (): string => process.env.ACTION_NODE || process.execPath

/** Node options that pin `Math.random` to 0 before the bundle loads (see `minJitter`). */
export const MIN_JITTER_ARGS = ['--import', 'data:text/javascript,Math.random=()=>0']

/** Parses the runner's `name<<delimiter` file format. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
      out[m[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

export interface Started {
  child: ChildProcess
  done: Promise<ActionRun>
  /** Resolves when stdout has shown a line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
}

export function startAction(opts: StartOptions = {}): Started {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const stateEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(opts.state ?? {})) stateEnv[`STATE_${k}`] = v
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_WORKSPACE: opts.cwd ?? repoRoot,
    GITHUB_REPOSITORY: 'acme/lineage',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '1',
    ...inputEnv(opts.inputs ?? {}),
    ...stateEnv,
    ...opts.env
  }
  const entry = join(repoRoot, 'dist', 'index.js')
  const { command, args } = opts.launch?.(entry) ?? {
    command: actionNode(),
    args: [...(opts.minJitter ? MIN_JITTER_ARGS : []), entry]
  }
  const child = spawn(command, args, {
    cwd: opts.cwd ?? repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = []
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString()
    for (const w of [...watchers]) {
      if (!w.pattern.test(stdout)) continue
      watchers.splice(watchers.indexOf(w), 1)
      w.resolve()
    }
  })
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const done = new Promise<ActionRun>(resolve => {
    child.on('close', (code, signal) => {
      clearTimeout(limit)
      const read = (f: string) => readFileSync(f, 'utf8')
      const outputText = read(files.output)
      const summary = read(files.summary)
      const stateText = read(files.state)
      rmSync(dir, { recursive: true, force: true })
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseCommandFile(outputText),
        summary,
        state: parseCommandFile(stateText),
        // The runner consumes ::add-mask:: commands (they are how masking works), so they are not output.
        everything: [
          stdout.replace(/^::add-mask::.*$/gm, ''),
          stderr,
          outputText,
          summary,
          stateText
        ].join('\n')
      })
    })
  })
  return {
    child,
    done,
    waitFor(pattern, timeoutMs = 20_000) {
      if (pattern.test(stdout)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern} in:\n${stdout}`)),
          timeoutMs
        )
        watchers.push({ pattern, resolve: () => (clearTimeout(t), resolve()) })
      })
    }
  }
}

export function runAction(opts: StartOptions = {}): Promise<ActionRun> {
  return startAction(opts).done
}
