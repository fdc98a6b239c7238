// skip_unchanged: the key of "this CSV with these settings" (the CSV by its sha256).
import type { Config } from '../config/types.js'
import { skipKey } from '../github/cache.js'

export function skipKeyFor(config: Config, csvSha256: string): string {
  return skipKey({
    csvSha256,
    settings: {
      ...config.options,
      mode: config.mode,
      workflow: config.workflowName ?? '',
      prefix: config.prefix ?? '',
      key: config.objectKey ?? ''
    }
  })
}
