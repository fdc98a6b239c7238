// One handler per route name.
import type { Handler } from '../router.js'
import type { RouteName } from '../types.js'
import { directUploadRoute } from '../direct.js'
import { downloadRoute, presignRoute, uploadRoute } from './files.js'
import { runsSearch, stop, workflowsSearch } from './runs.js'
import { listApps, whoami } from './tenant.js'
import { assetsDelete, assetsGet, assetsSearch } from './assets.js'
import { archive, rerun, submit, update } from './workflows.js'

export const handlers: Record<RouteName, Handler> = {
  whoami,
  app: listApps,
  submit,
  rerun,
  update,
  archive,
  'workflows.search': workflowsSearch,
  'runs.search': runsSearch,
  stop,
  presign: presignRoute,
  upload: uploadRoute,
  download: downloadRoute,
  files: directUploadRoute,
  'assets.search': assetsSearch,
  'assets.get': assetsGet,
  'assets.delete': assetsDelete
}
