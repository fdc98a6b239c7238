// The approaches the CSV benchmark measures, shared by the runner and its child processes.
export const CSV_APPROACHES = [
  'validator',
  'validator+onRow',
  'csv-parse',
  'papaparse',
  'newline-scan'
] as const
