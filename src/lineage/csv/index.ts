// Streaming lineage CSV validator (docs/atlan-contract.md §6). See validate.ts for the entry points.
export { CsvValidator, validateCsv, validateCsvFile, READ_CHUNK_BYTES } from './validate.js'
export type { ValidateOptions } from './validate.js'
export {
  CsvTokenizer,
  countLineBreaks,
  FIELD_COMPLEX,
  FIELD_PLAIN,
  FIELD_QUOTED
} from './tokenizer.js'
export type { RawRecord, TokenizerOptions } from './tokenizer.js'
export {
  decodeRecord,
  fieldString,
  isBlankField,
  isBlankRecord,
  unescapeComplex
} from './fields.js'
export {
  analyzeHeaders,
  KNOWN_COLUMNS,
  missingColumnsMessage,
  normalizeHeader,
  REQUIRED_COLUMNS,
  TRANSFORMATION_COLUMNS
} from './headers.js'
export type { HeaderLayout } from './headers.js'
export { FindingSink, RowRules } from './rules.js'
export { DuplicateFinder, hashGroups, RowHasher } from './dedupe.js'
export type { HashGroup } from './dedupe.js'
