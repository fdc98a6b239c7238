// One benchmark measurement in its own process, so that its peak RSS is its own.
// Usage: node --import tsx/esm --expose-gc bench/csv-child.ts <approach> <file>
// Prints one JSON line: { approach, rows, seconds, maxRssMB, bytes }. The validator runs with the
// action's defaults (field_separator ",", case_sensitive_match true).
import { parse as csvParse } from 'csv-parse'
import { createReadStream, statSync } from 'node:fs'
import Papa from 'papaparse'
import { validateCsvFile } from '../src/lineage/csv/index.js'
import { CSV_APPROACHES } from './csv-approaches.js'

const APPROACHES = CSV_APPROACHES
type Approach = (typeof APPROACHES)[number]

const CHUNK = 1 << 20

async function measure(approach: Approach, file: string): Promise<number> {
  switch (approach) {
    case 'validator': {
      const r = await validateCsvFile(file, { separator: ',', caseSensitive: true })
      if (r.counts.error > 0 || r.fatal)
        throw new Error(`validator found errors: ${JSON.stringify(r.findings[0])}`)
      return r.rowsChecked
    }
    case 'validator+onRow': {
      let n = 0
      let len = 0
      const r = await validateCsvFile(file, {
        separator: ',',
        caseSensitive: true,
        onRow: row => {
          n++
          len += row.target.identity.length
        }
      })
      if (r.counts.error > 0 || n !== r.rowsChecked || len === 0) throw new Error('onRow mismatch')
      return n
    }
    case 'csv-parse': {
      let n = 0
      const parser = createReadStream(file, { highWaterMark: CHUNK }).pipe(
        csvParse({ delimiter: ',' })
      )
      for await (const _rec of parser) n++
      return n - 1 // header
    }
    case 'papaparse': {
      return new Promise<number>((resolve, reject) => {
        let n = 0
        Papa.parse(createReadStream(file, { highWaterMark: CHUNK, encoding: 'utf8' }), {
          delimiter: ',',
          chunk: (res: Papa.ParseResult<unknown>) => {
            n += res.data.length
          },
          complete: () => resolve(n - 1),
          error: (e: Error) => reject(e)
        })
      })
    }
    case 'newline-scan': {
      let n = 0
      for await (const chunk of createReadStream(file, {
        highWaterMark: CHUNK
      }) as AsyncIterable<Buffer>) {
        let i = chunk.indexOf(10)
        while (i >= 0) {
          n++
          i = chunk.indexOf(10, i + 1)
        }
      }
      return n - 1
    }
  }
}

async function main(): Promise<void> {
  const [approach, file] = process.argv.slice(2) as [Approach, string]
  if (!APPROACHES.includes(approach) || !file) {
    process.stderr.write(`usage: csv-child.ts <${APPROACHES.join('|')}> <file>\n`)
    process.exit(2)
  }
  globalThis.gc?.()
  const t0 = process.hrtime.bigint()
  const rows = await measure(approach, file)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const maxRssMB = process.resourceUsage().maxRSS / 1024
  process.stdout.write(
    JSON.stringify({ approach, rows, seconds, maxRssMB, bytes: statSync(file).size }) + '\n'
  )
}

await main()
