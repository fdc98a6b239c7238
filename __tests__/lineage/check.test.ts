// What the step logs and fails with after validation (issue: messages that say what went wrong).
import { describe, expect, it } from '@jest/globals'
import { csvCheckedLine, csvProblem } from '../../src/lineage/check.js'
import { CsvValidator, KNOWN_COLUMNS } from '../../src/lineage/csv/index.js'

function check(text: string, separator = ',', rerunOf?: string) {
  const v = new CsvValidator({ separator, caseSensitive: true, rerunOf })
  v.push(Buffer.from(text))
  return { file: 'lineage.csv', absolutePath: '/w/lineage.csv', validation: v.finish() }
}

const row = (i: number, sep = ','): string =>
  KNOWN_COLUMNS.map(c => (c.endsWith('Identity') ? `db/s/${c[0]}${i}` : 'x')).join(sep)

describe('messages after validation', () => {
  it('a header typo: "did you mean", and the rows are said to be unchecked', () => {
    const header = KNOWN_COLUMNS.map(c => (c === 'Source Connector' ? 'Source Conector' : c))
    const csv = check([header.join(','), row(1), row(2)].join('\n') + '\n')
    const problem = csvProblem(csv)
    expect(problem?.fatal).toBe(true)
    expect(problem?.text).toBe(
      'lineage.csv: Invalid input file received. Input CSV is missing required columns: [Source Connector]. ' +
        'Headers are case- and space-exact: did you mean Source Connector (the header has Source Conector).'
    )
    expect(csvCheckedLine(csv)).toBe(
      'lineage.csv: 1 error before the rows could be checked (2 rows not checked), 0 warnings.'
    )
  })

  it('no suggestion for a header far from every required column', () => {
    const header = KNOWN_COLUMNS.map(c => (c === 'Target Name' ? 'Comment' : c))
    const text = csvProblem(check([header.join(','), row(1)].join('\n') + '\n'))?.text
    expect(text).toContain('add the column Target Name')
    expect(text).not.toContain('did you mean')
  })

  it("a ';'-separated file read with ',': the failure names the separator, not ten columns", () => {
    const text = [KNOWN_COLUMNS.join(';'), row(1, ';')].join('\r\n') + '\r\n'
    const problem = csvProblem(check(text))
    expect(problem?.fatal).toBe(true)
    expect(problem?.text).toBe(
      'lineage.csv: The header has a single column: the file looks ";"-separated, but the separator is ",". ' +
        'Set the input field_separator to ";", or save the file with "," between fields.'
    )
  })

  it("the same file in a rerun: the fix is the workflow's separator in Atlan, or the file, not the input", () => {
    const text = [KNOWN_COLUMNS.join(';'), row(1, ';')].join('\r\n') + '\r\n'
    const problem = csvProblem(check(text, ',', 'csa-lineage-builder-1714638976'))
    expect(problem?.fatal).toBe(true)
    expect(problem?.text).toBe(
      'lineage.csv: The header has a single column: the file looks ";"-separated, but workflow csa-lineage-builder-1714638976 splits fields on ",", ' +
        'and a rerun applies that setting of the workflow, not the input field_separator. ' +
        'Change the workflow\'s Field separator to ";" in Atlan (Workflows → csa-lineage-builder-1714638976 → edit the Lineage Builder settings), ' +
        'or save the file with "," between fields.'
    )
    expect(problem?.text).not.toContain('Set the input field_separator')
  })

  it('row errors: counts agree between the log line and the problem', () => {
    const bad = row(2).replace('db/s/S2', '')
    const csv = check([KNOWN_COLUMNS.join(','), row(1), bad, row(3)].join('\n') + '\n')
    expect(csvCheckedLine(csv)).toBe('Checked 3 rows of lineage.csv: 1 error in 1 row, 0 warnings.')
    expect(csvProblem(csv)).toEqual({
      text: 'lineage.csv has 1 error in 1 row (see the annotations and the job summary)',
      fatal: false
    })
    expect(csvProblem(check([KNOWN_COLUMNS.join(','), row(1)].join('\n')))).toBeUndefined()
  })
})
