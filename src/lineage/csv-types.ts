// Shapes shared by the CSV validator (producer) and the preview/report/simulator (consumers).

export type Severity = 'error' | 'warning' | 'notice'

export interface Finding {
  severity: Severity
  /** 1-based physical line in the file where the record starts. */
  line: number
  /** Header name of the offending column, when one is to blame. */
  column?: string
  /** Stable rule id, e.g. 'missing-columns', 'field-count', 'empty-side', 'process-dropped'. */
  rule: string
  message: string
  /** How to fix it, one sentence. */
  hint?: string
}

export interface AssetRef {
  type: string
  connector: string
  connection: string
  identity: string
  name: string
}

export interface LineageRow {
  /** 1-based line where the record starts. */
  line: number
  source: AssetRef
  target: AssetRef
  process: { connector: string; connection: string; identity: string; name: string }
  /** Pass-through columns (any header outside the 14 known ones), by header name. */
  extra: Record<string, string>
}

export interface ValidationResult {
  /** Non-blank data records read. */
  rowsChecked: number
  /** Records with at least one error-severity finding. */
  rowsWithErrors: number
  blankRows: number
  headers: string[]
  passThroughColumns: string[]
  /** Up to maxFindings findings, in file order. */
  findings: Finding[]
  counts: { error: number; warning: number; notice: number }
  /** Set when the file cannot be processed at all (e.g. the package's missing-columns message). */
  fatal?: string
  /**
   * Data records not read whole, so not handed to onRow: quote errors, oversized records, field
   * counts that differ from the header's (a fatal header error leaves every record unread).
   */
  recordsUnread?: number
  bytes: number
  /** sha256 of the raw bytes, hex (computed in the same pass). */
  sha256: string
}
