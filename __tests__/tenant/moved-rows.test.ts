// Prune's moved-row guard (src/tenant/moved-rows.ts, docs/atlan-contract.md §10.10): the other
// lineage CSVs a push changed, found with git and read whole, and the removed processes they
// still name taken out of prune's candidates.
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initRepo } from '../../scripts/git-repo.js'
import { KeyTable } from '../../src/lineage/csv/index.js'
import { MAX_CHANGED_FILES, otherLineageCsvs } from '../../src/tenant/moved-rows.js'
import { namedProcessKey } from '../../src/tenant/rows.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { lineageRow, tenantRows } from './rows.js'

/** A repository whose base commit holds `base` and whose work tree then holds `head`. */
function push(base: Record<string, string[]>, head: Record<string, string[]>) {
  const dir = realpathSync(workspace())
  const repo = initRepo(dir)
  for (const [name, lines] of Object.entries(base)) writeCsv(dir, name, lines)
  const baseSha = repo.commitAll('base')
  for (const [name, lines] of Object.entries(head)) writeCsv(dir, name, lines)
  repo.commitAll('head')
  return { dir, baseSha, repo }
}

const input = (p: { dir: string; baseSha: string }, separator = ',') => ({
  workspace: p.dir,
  lineageFile: join(p.dir, 'a.csv'),
  baseSha: p.baseSha,
  separator
})

/** The key prune compares for a CSV row written by row(src, dst). */
const keyOf = (src: string, dst: string) => namedProcessKey(lineageRow({ line: 2, src, tgt: dst }))!

describe('otherLineageCsvs', () => {
  it('names the processes of the other CSVs the push changed, and only those', async () => {
    const p = push(
      {
        'a.csv': [HEADER, row('a', 'b'), row('m', 'n')],
        'b.csv': [HEADER, row('x', 'y')],
        'c.csv': [HEADER, row('u', 'v')],
        'notes.txt': ['notes']
      },
      {
        'a.csv': [HEADER, row('a', 'b')],
        'b.csv': [HEADER, row('x', 'y'), row('m', 'n')],
        'notes.txt': ['notes, edited'],
        'new.csv': [HEADER.split(',').join('\t'), row('k', 'l').split(',').join('\t')]
      }
    )
    const others = await otherLineageCsvs(input(p))
    if ('blocked' in others) throw new Error(others.blocked)
    expect(others.files.sort()).toEqual(['b.csv', 'new.csv'])
    expect(others.named.has(keyOf('m', 'n'))).toBe(true)
    expect(others.named.has(keyOf('x', 'y'))).toBe(true)
    expect(others.named.has(keyOf('k', 'l'))).toBe(true)
    // Not changed in the push (c.csv), or only in this step's own file (a.csv).
    expect(others.named.has(keyOf('u', 'v'))).toBe(false)
    expect(others.named.has(keyOf('a', 'b'))).toBe(false)
  })

  it.each([
    ['a stray quote', [HEADER, `"${row('m', 'n')}`, row('p', 'q')], 'could not be read whole'],
    ['a field count', [HEADER, `${row('m', 'n')},extra`], 'could not be read whole'],
    [
      'a header it cannot split',
      [HEADER.replace(/,/g, ' , ').replace('Source Type', 'Source Typ')],
      'looks like a lineage CSV but its header could not be read'
    ]
  ])('another lineage CSV with %s blocks prune', async (_, lines, why) => {
    const p = push(
      { 'a.csv': [HEADER, row('m', 'n')], 'b.csv': [HEADER] },
      { 'a.csv': [HEADER], 'b.csv': lines }
    )
    const others = await otherLineageCsvs(input(p))
    expect(others).toEqual({
      blocked: expect.stringContaining(`b.csv, also changed in this push, ${why}`)
    })
  })

  it('a file outside the workspace (through a symlink) or a folder is no lineage CSV here', async () => {
    const outside = realpathSync(workspace())
    writeCsv(outside, 'o.csv', [HEADER, `"${row('m', 'n')}`])
    const p = push({ 'a.csv': [HEADER, row('m', 'n')] }, { 'a.csv': [HEADER] })
    symlinkSync(join(outside, 'o.csv'), join(p.dir, 'link.csv'))
    mkdirSync(join(p.dir, 'sub'))
    writeFileSync(join(p.dir, 'sub', 'x.txt'), 'x')
    p.repo.git('add', '-A')
    const others = await otherLineageCsvs(input(p))
    expect(others).toMatchObject({ files: [] })
  })

  it('a base commit git does not have, or too many changed files, blocks prune', async () => {
    const p = push({ 'a.csv': [HEADER, row('m', 'n')] }, { 'a.csv': [HEADER] })
    const missing = await otherLineageCsvs({ ...input(p), baseSha: 'f'.repeat(40) })
    expect(missing).toEqual({
      blocked: expect.stringContaining('the files this push changed could not be listed')
    })
    // a.csv and 1,001 more
    for (let i = 0; i <= MAX_CHANGED_FILES; i++) writeFileSync(join(p.dir, `f${i}.txt`), `${i}`)
    p.repo.git('add', '-A')
    expect(await otherLineageCsvs(input(p))).toEqual({
      blocked: expect.stringContaining(`changed ${MAX_CHANGED_FILES + 2} files`)
    })
  })
})

describe('BaseProcesses.takeNamedIn', () => {
  it('takes out exactly the removed processes another CSV names, in any case', () => {
    const { base } = tenantRows(
      [{ line: 2, src: 'a', tgt: 'b' }],
      [
        { line: 2, src: 'a', tgt: 'b' },
        { line: 3, src: 'm', tgt: 'n' },
        { line: 4, src: 'p', tgt: 'q' },
        { line: 5, src: 'r', tgt: 's' }
      ]
    )
    const named = new KeyTable()
    named.set(keyOf('m', 'n'), 0)
    named.set(
      namedProcessKey(lineageRow({ line: 9, src: 'r', tgt: 's', procConnection: 'DBT-Cloud' }))!,
      0
    )
    const taken = base!.takeNamedIn(named)
    expect(taken.map(r => r.line)).toEqual([3, 5])
    expect(base!.removed.map(r => r.line)).toEqual([4])
  })
})
