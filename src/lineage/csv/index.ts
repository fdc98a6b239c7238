// Streaming lineage CSV validator (docs/atlan-contract.md §6). See validate.ts for the entry points.
export { CsvValidator, validateCsv, validateCsvFile } from './validate.js'
export { READ_CHUNK_BYTES } from '../read-chunks.js'
export type { ValidateOptions } from './validate.js'
export { CsvRecordReader } from './reader.js'
export type { CsvRecord, ReaderOptions } from './reader.js'
export {
  analyzeHeaders,
  KNOWN_COLUMNS,
  missingColumnsMessage,
  normalizeHeader,
  REQUIRED_COLUMNS,
  TRANSFORMATION_COLUMNS
} from './headers.js'
export type { HeaderLayout } from './headers.js'
export { createsLineage, FindingSink, RowRules } from './rules.js'
export { Hash30, Hash53, hash53, KeyIndex } from './row-key.js'
export { KeyTable } from './key-table.js'
