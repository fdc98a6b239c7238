import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  baseShaFromEvent,
  readBaseVersion,
  type BaseMissing,
  type BaseVersion
} from '../../src/preview/base.js'
import { git, initRepo, type GitRepo } from '../../scripts/git-repo.js'

const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name,sql\n'
const V1 =
  HEADER +
  'Table,snowflake,prod,db/s/a,a,View,snowflake,prod,db/s/b,b,snowflake,prod,x1,a > b,"select ""é"" from a"\n'
const V2 =
  V1 +
  'Table,snowflake,prod,db/s/b,b,View,snowflake,prod,db/s/c,c,snowflake,prod,x2,b > c,select 1\n'

let dir: string
let first: string
let second: string
let repo: GitRepo

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of it) parts.push(Buffer.from(c))
  return Buffer.concat(parts)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'preview-base-'))
  repo = initRepo(dir)
  mkdirSync(join(dir, 'lineage'))
  writeFileSync(join(dir, 'lineage', 'orders lineage.csv'), V1)
  first = repo.commitAll('first')
  writeFileSync(join(dir, 'lineage', 'orders lineage.csv'), V2)
  writeFileSync(join(dir, 'new.csv'), HEADER)
  second = repo.commitAll('second')
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('readBaseVersion', () => {
  test('streams the file as it was at the base commit', async () => {
    const r = await readBaseVersion({
      cwd: dir,
      path: 'lineage/orders lineage.csv',
      baseSha: first
    })
    expect(r).not.toHaveProperty('missing')
    const bytes = await collect(r as AsyncIterable<Uint8Array>)
    expect(bytes.equals(Buffer.from(V1, 'utf8'))).toBe(true)
    const now = await readBaseVersion({
      cwd: dir,
      path: 'lineage/orders lineage.csv',
      baseSha: second
    })
    expect((await collect(now as AsyncIterable<Uint8Array>)).toString('utf8')).toBe(V2)
  })

  test('paths are taken relative to cwd, or absolute', async () => {
    const sub = await readBaseVersion({
      cwd: join(dir, 'lineage'),
      path: 'orders lineage.csv',
      baseSha: first
    })
    expect((await collect(sub as AsyncIterable<Uint8Array>)).toString('utf8')).toBe(V1)
    const abs = await readBaseVersion({
      cwd: dir,
      path: join(dir, 'lineage', 'orders lineage.csv'),
      baseSha: first.slice(0, 10)
    })
    expect((await collect(abs as AsyncIterable<Uint8Array>)).toString('utf8')).toBe(V1)
  })

  test('a file that did not exist at base: missing, reason no-file (empty base, all added)', async () => {
    const r = (await readBaseVersion({ cwd: dir, path: 'new.csv', baseSha: first })) as BaseMissing
    expect(r.reason).toBe('no-file')
    expect(r.missing).toBe(`new.csv did not exist at the base commit ${first.slice(0, 12)}`)
  })

  test('a commit missing from the checkout: advice to fetch full history', async () => {
    const absent = 'deadbeef'.repeat(5)
    const r = (await readBaseVersion({ cwd: dir, path: 'new.csv', baseSha: absent })) as BaseMissing
    expect(r.reason).toBe('no-commit')
    expect(r.missing).toBe(
      'the checkout lacks the base commit deadbeefdead: use actions/checkout with fetch-depth: 0'
    )
  })

  test('a shallow clone without the base commit says so', async () => {
    const shallow = mkdtempSync(join(tmpdir(), 'preview-shallow-'))
    try {
      git(shallow, 'clone', '-q', '--depth', '1', `file://${dir}`, '.')
      const r = (await readBaseVersion({
        cwd: shallow,
        path: 'new.csv',
        baseSha: first
      })) as BaseMissing
      expect(r.reason).toBe('no-commit')
      expect(r.missing).toContain(
        '(it is a shallow clone): use actions/checkout with fetch-depth: 0'
      )
    } finally {
      rmSync(shallow, { recursive: true, force: true })
    }
  })

  test('bad sha, directory path, not a repository, path outside', async () => {
    const bad = (await readBaseVersion({
      cwd: dir,
      path: 'new.csv',
      baseSha: '--output=/tmp/x'
    })) as BaseMissing
    expect(bad.reason).toBe('invalid-sha')
    const folder = (await readBaseVersion({
      cwd: dir,
      path: 'lineage',
      baseSha: first
    })) as BaseMissing
    expect(folder.missing).toContain('is a tree, not a file')
    const notRepo = mkdtempSync(join(tmpdir(), 'preview-norepo-'))
    try {
      const r = (await readBaseVersion({
        cwd: notRepo,
        path: 'x.csv',
        baseSha: first
      })) as BaseMissing
      expect(r.reason).toBe('not-a-repo')
    } finally {
      rmSync(notRepo, { recursive: true, force: true })
    }
    const outside = (await readBaseVersion({
      cwd: dir,
      path: '../elsewhere.csv',
      baseSha: first
    })) as BaseMissing
    expect(outside.missing).toContain('is outside the repository')
  })

  test('stopping early, reading to the end or closing unread: the temporary copy is removed', async () => {
    writeFileSync(join(dir, 'big.csv'), HEADER + 'x,'.repeat(2_000_000))
    const big = repo.commitAll('big')
    const temp = mkdtempSync(join(tmpdir(), 'preview-runner-temp-'))
    const saved = process.env.RUNNER_TEMP
    process.env.RUNNER_TEMP = temp
    try {
      const open = () =>
        readBaseVersion({
          cwd: dir,
          path: 'big.csv',
          baseSha: big
        }) as Promise<BaseVersion>
      const early = await open()
      expect(readdirSync(temp)).toHaveLength(1) // copied while the head is validated
      for await (const chunk of early) {
        expect(chunk.length).toBeGreaterThan(0)
        break
      }
      expect(readdirSync(temp)).toEqual([])
      const whole = await collect(await open())
      expect(whole.length).toBe(Buffer.byteLength(HEADER) + 4_000_000)
      expect(readdirSync(temp)).toEqual([])
      await (await open()).close()
      expect(readdirSync(temp)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP
      else process.env.RUNNER_TEMP = saved
      rmSync(temp, { recursive: true, force: true })
    }
  })
})

describe('baseShaFromEvent', () => {
  const sha = 'a'.repeat(40)
  test('pull_request and pull_request_target: the PR base', () => {
    expect(baseShaFromEvent('pull_request', { pull_request: { base: { sha } } })).toBe(sha)
    expect(baseShaFromEvent('pull_request_target', { pull_request: { base: { sha } } })).toBe(sha)
    expect(baseShaFromEvent('pull_request', {})).toBeUndefined()
  })
  test('push: before, unless all zeros (a new branch)', () => {
    expect(baseShaFromEvent('push', { before: sha })).toBe(sha)
    expect(baseShaFromEvent('push', { before: '0'.repeat(40) })).toBeUndefined()
    expect(baseShaFromEvent('push', {})).toBeUndefined()
  })
  test('merge_group: the queue base; anything else: undefined', () => {
    expect(baseShaFromEvent('merge_group', { merge_group: { base_sha: sha } })).toBe(sha)
    expect(baseShaFromEvent('workflow_dispatch', { before: sha })).toBeUndefined()
    expect(baseShaFromEvent('schedule', undefined)).toBeUndefined()
  })
})
