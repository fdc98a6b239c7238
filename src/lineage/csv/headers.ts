// The Lineage Builder's column names (docs/atlan-contract.md §6.1) and header checks.
import leven from 'leven'
import type { Finding } from '../csv-types.js'

/** Required, in the order the package lists them in its missing-columns message. */
export const REQUIRED_COLUMNS = [
  'Source Type',
  'Source Connector',
  'Source Connection',
  'Source Identity',
  'Source Name',
  'Target Type',
  'Target Connector',
  'Target Connection',
  'Target Identity',
  'Target Name'
] as const

export const TRANSFORMATION_COLUMNS = [
  'Transformation Connector',
  'Transformation Connection',
  'Transformation Identity',
  'Transformation Name'
] as const

export const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...TRANSFORMATION_COLUMNS]

/** The package's exact error text (java InvalidFileFormatTest.kt). */
export function missingColumnsMessage(missing: readonly string[]): string {
  return `Invalid input file received. Input CSV is missing required columns: [${missing.join(', ')}]`
}

/** Case-, space-, underscore- and hyphen-insensitive form, to suggest renames. */
export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '')
}

/**
 * The header most like `column` by edit distance (a typo such as "Source Conector"), when it is
 * at most 2 edits away, or 3 for long names; undefined when none is that close.
 */
function closest(column: string, headers: readonly string[]): string | undefined {
  const max = column.length > 15 ? 3 : 2
  let best: string | undefined
  let bestDistance = max + 1
  for (const h of headers) {
    const d = leven(normalizeHeader(h), normalizeHeader(column), { maxDistance: bestDistance })
    if (d < bestDistance) {
      best = h
      bestDistance = d
    }
  }
  return best
}

/**
 * The header is one column split on another character. A rerun applies the separator stored in
 * its workflow, so there the fix is in Atlan (or the file); the input only sets a new workflow's.
 */
function separatorHint(guess: string, separator: string, rerunOf?: string): string {
  const [g, s] = [JSON.stringify(guess), JSON.stringify(separator)]
  const file = `save the file with ${s} between fields`
  return rerunOf
    ? `The header has a single column: the file looks ${g}-separated, but workflow ${rerunOf} splits fields on ${s}, and a rerun applies that setting of the workflow, not the input field_separator. ` +
        `Change the workflow's Field separator to ${g} in Atlan (Workflows → ${rerunOf} → edit the Lineage Builder settings), or ${file}.`
    : `The header has a single column: the file looks ${g}-separated, but the separator is ${s}. ` +
        `Set the input field_separator to ${g}, or ${file}.`
}

/** Column indexes of the 14 known columns (-1 when absent) and the pass-through columns. */
export interface HeaderLayout {
  headers: string[]
  index: Record<string, number>
  passThrough: number[]
  missingRequired: string[]
}

/** `rerunOf`: the workflow whose stored separator this is, in a rerun. */
export function analyzeHeaders(
  headers: string[],
  line: number,
  separator: string,
  add: (f: Finding) => void,
  rerunOf?: string
): HeaderLayout {
  const index: Record<string, number> = {}
  for (const k of KNOWN_COLUMNS) index[k] = -1
  const seen = new Map<string, number>()
  const passThrough: number[] = []
  headers.forEach((h, i) => {
    if (seen.has(h)) {
      if (seen.get(h) !== -1) {
        add({
          severity: 'error',
          line,
          column: h,
          rule: 'duplicate-header',
          message: `Column "${h}" appears more than once in the header.`,
          hint: `Keep one "${h}" column and rename or remove the others.`
        })
        seen.set(h, -1)
      }
      return
    }
    seen.set(h, i)
    if (Object.hasOwn(index, h)) index[h] = i
    else passThrough.push(i)
    if (h.trim() === '') {
      add({
        severity: 'warning',
        line,
        column: h,
        rule: 'empty-header',
        message: `Column ${i + 1} has no header name.`,
        hint: 'Name the column or remove it (and its values) from every row.'
      })
    }
  })

  // Suggestions: a header that matches a known column loosely but not exactly.
  const byNorm = new Map<string, string>()
  for (const h of headers) if (!Object.hasOwn(index, h)) byNorm.set(normalizeHeader(h), h)
  const suggest = (col: string): string | undefined => byNorm.get(normalizeHeader(col))

  const missingRequired = REQUIRED_COLUMNS.filter(c => index[c] < 0)
  if (missingRequired.length > 0) {
    const renames: string[] = []
    const typos: string[] = []
    const adds: string[] = []
    const unknown = headers.filter(h => !Object.hasOwn(index, h))
    for (const c of missingRequired) {
      const s = suggest(c)
      const typo = s === undefined ? closest(c, unknown) : undefined
      if (s !== undefined) renames.push(`${s} to ${c}`)
      else if (typo !== undefined) typos.push(`did you mean ${c} (the header has ${typo})`)
      else adds.push(c)
    }
    const parts: string[] = []
    if (renames.length) parts.push(`rename ${renames.join(', ')}`)
    if (typos.length) parts.push(typos.join(', '))
    if (adds.length) parts.push(`add the column${adds.length > 1 ? 's' : ''} ${adds.join(', ')}`)
    const optional = TRANSFORMATION_COLUMNS.filter(c => index[c] < 0 && suggest(c) !== undefined)
    if (optional.length)
      parts.push(`also rename ${optional.map(c => `${suggest(c)} to ${c}`).join(', ')}`)
    let hint = `Headers are case- and space-exact: ${parts.join('; ')}.`
    if (headers.length === 1 && separator !== '' && /[,;\t|]/.test(headers[0])) {
      const guess = ([',', ';', '\t', '|'] as const).find(
        c => c !== separator && headers[0].includes(c)
      )
      if (guess !== undefined) hint = separatorHint(guess, separator, rerunOf)
    }
    add({
      severity: 'error',
      line,
      rule: 'missing-columns',
      message: missingColumnsMessage(missingRequired),
      hint
    })
  }

  if (missingRequired.length > 0) {
    // The run fails anyway; further header advice would only add noise.
    return { headers, index, passThrough, missingRequired: [...missingRequired] }
  }

  const tc = 'Transformation Connector'
  const tconn = 'Transformation Connection'
  const absentProcess = [tc, tconn].filter(c => index[c] < 0)
  if (absentProcess.length > 0) {
    const renames = absentProcess
      .filter(c => suggest(c) !== undefined)
      .map(c => `${suggest(c)} to ${c}`)
    add({
      severity: 'warning',
      line,
      column: absentProcess[0],
      rule: 'missing-transformation-columns',
      message: `No ${absentProcess.join(' or ')} column: every process row will be dropped, so no lineage is created.`,
      hint: renames.length
        ? `Rename ${renames.join(', ')} (headers are case- and space-exact).`
        : `Add ${absentProcess.join(' and ')} columns naming the connection the lineage processes belong to.`
    })
  }
  if (index['Transformation Name'] < 0) {
    const s = suggest('Transformation Name')
    add({
      severity: 'warning',
      line,
      column: 'Transformation Name',
      rule: 'missing-transformation-columns',
      message: 'No Transformation Name column: the lineage processes will have no name.',
      hint:
        s !== undefined
          ? `Rename ${s} to Transformation Name.`
          : 'Add a Transformation Name column.'
    })
  }

  if (passThrough.length > 0) {
    const names = passThrough.map(i => headers[i])
    add({
      severity: 'notice',
      line,
      rule: 'pass-through-columns',
      message: `Columns outside the Lineage Builder's own are carried onto the process: ${names.join(', ')}.`,
      hint: 'They become attributes of the LineageProcess (e.g. sql, certificateStatus), not of the source or target assets.'
    })
  }

  return { headers, index, passThrough, missingRequired: [...missingRequired] }
}
