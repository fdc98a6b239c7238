// skip_unchanged: the key of "this CSV, on this tenant, into this target, with these settings"
// (the CSV by its sha256). A marker under it means a step with all of these passed.
import type { Config } from '../config/types.js'
import { skipKey } from '../github/cache.js'
import { optionsFor, type Target } from './resolve.js'

/** Where a create writes its CSV: the store, the bucket (or account and container) and the key. */
function createLocation(config: Config) {
  const c = config.credential
  const bucket = !c ? '' : c.store === 'adls' ? `${c.accountName}/${c.container}` : c.bucket
  return {
    store: c?.store ?? 'tenant',
    bucket,
    region: c?.store === 's3' ? c.region : '',
    prefix: config.prefix ?? '',
    key: config.objectKey ?? ''
  }
}

/**
 * The key covers the tenant (its origin), the target (a rerun's workflow, or a create's store,
 * bucket and key; while the target is not looked up yet, every input that picks it), the CSV,
 * the options the run applies (a rerun's stored ones once its workflow is known), and every
 * input that changes what the step does or whether it passes.
 */
export function skipKeyFor(config: Config, csvSha256: string, target?: Target): string {
  const where =
    target?.kind === 'rerun'
      ? { workflow: target.workflow.name }
      : target?.kind === 'create'
        ? { create: createLocation(config) }
        : { mode: config.mode, workflow: config.workflowName ?? '', create: createLocation(config) }
  return skipKey({
    csvSha256,
    settings: {
      tenant: new URL(config.baseUrl).origin,
      target: where,
      options: target ? optionsFor(config, target) : config.options,
      validate: config.validate,
      checkTenant: config.checkTenant,
      verify: config.verify,
      prune: config.prune,
      dryRun: config.dryRun,
      wait: config.wait
    }
  })
}
