// skip_unchanged: the key of "this CSV with these settings", from the validator's sha256 when it
// ran, else from one streaming hash of the file.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Config } from '../config/types.js'
import { skipKey } from '../github/cache.js'

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export async function skipKeyFor(
  config: Config,
  csvPath: string,
  csvSha256?: string
): Promise<string> {
  return skipKey({
    csvSha256: csvSha256 ?? (await sha256File(csvPath)),
    settings: {
      ...config.options,
      mode: config.mode,
      workflow: config.workflowName ?? '',
      prefix: config.prefix ?? '',
      key: config.objectKey ?? ''
    }
  })
}
