// Lineage CSVs written for a test, in a temporary workspace.
import { afterAll } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HEADER =
  'Source Type,Source Connector,Source Connection,Source Identity,Source Name,Target Type,Target Connector,Target Connection,Target Identity,Target Name,Transformation Connector,Transformation Connection,Transformation Identity,Transformation Name'

/** One valid row from `src` to `dst`, overridable per column index. */
export function row(
  src: string,
  dst: string,
  process = `${src} > ${dst}`,
  override: Record<number, string> = {}
): string {
  const cells = [
    'Table',
    'snowflake',
    'prod',
    `db/s/${src}`,
    src,
    'Table',
    'snowflake',
    'prod',
    `db/s/${dst}`,
    dst,
    'dbt',
    'dbt-cloud',
    `x_${src}_${dst}`,
    process
  ]
  for (const [i, v] of Object.entries(override)) cells[Number(i)] = v
  return cells.join(',')
}

const made: string[] = []
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A temporary workspace folder, removed after the test file. */
export function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lineage-ws-'))
  made.push(dir)
  return dir
}

/** Writes `lines` (header first) as `name` in `dir`; returns the relative path. */
export function writeCsv(dir: string, name: string, lines: string[]): string {
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`)
  return name
}
