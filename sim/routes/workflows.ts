// Submit, rerun, update and archive on both endpoint families (docs/atlan-contract.md §3.2, 3.3, 3.11, 3.12).
import { HttpError, isObject, ok, type Reply } from '../http.js'
import type { Ctx } from '../router.js'
import { runResponse, startRun } from '../runs.js'
import type { StoredWorkflow } from '../state.js'
import {
  applyPendingEdits,
  bumpVersion,
  checkResourceVersion,
  indexTemplate
} from '../template-index.js'
import { asWorkflowDocument, storeWorkflow, workflowResponse } from '../workflows.js'

function json(ctx: Ctx): unknown {
  if (ctx.invalidJson) throw new HttpError(400, 'request body is not valid JSON')
  return ctx.json
}

/** Plain users lack the token/admin role the legacy family needs (docs/atlan-contract.md §3.1). */
function checkFamily(ctx: Ctx): void {
  const { role, enforceFamily } = ctx.state.scenario
  if (enforceFamily && role === 'user' && ctx.match.family === 'workflows') {
    throw new HttpError(
      403,
      'This user lacks the API-token or admin role needed for /api/service/workflows; use /api/service/package-workflows.'
    )
  }
}

function known(ctx: Ctx, name: string | undefined): StoredWorkflow {
  const wf = ctx.state.workflows.get(name ?? '')
  if (!wf) throw new HttpError(404, `workflow template ${name} not found`)
  return wf
}

export function submit(ctx: Ctx): Reply {
  checkFamily(ctx)
  const doc = asWorkflowDocument(json(ctx))
  if (ctx.state.workflows.has(doc.metadata.name)) {
    // INFERENCE: Argo refuses a second template of the same name.
    throw new HttpError(409, `workflow template ${doc.metadata.name} already exists`)
  }
  const now = Date.now()
  const wf = storeWorkflow(ctx.state, doc, now, now + ctx.state.scenario.indexLagMs)
  // Without submit=true Argo only stores the template.
  if (ctx.url.searchParams.get('submit') === 'true') startRun(ctx.state, wf)
  return ok(workflowResponse(wf))
}

export function rerun(ctx: Ctx): Reply {
  checkFamily(ctx)
  const body = json(ctx)
  if (!isObject(body)) throw new HttpError(400, 'rerun body must be a JSON object')
  const { namespace, resourceKind, resourceName } = body
  if (resourceKind !== 'WorkflowTemplate')
    throw new HttpError(400, 'resourceKind must be "WorkflowTemplate"')
  if (typeof resourceName !== 'string' || resourceName === '') {
    throw new HttpError(400, 'resourceName must be the workflow template name')
  }
  if (typeof namespace !== 'string' || namespace === '')
    throw new HttpError(400, 'namespace is required')
  const wf = known(ctx, resourceName)
  if (wf.namespace !== namespace) {
    throw new HttpError(
      404,
      `workflow template ${resourceName} not found in namespace ${namespace}`
    )
  }
  return ok(runResponse(startRun(ctx.state, wf)))
}

/**
 * Replaces the template with the body (§3.12, §10.3), kept as text for the index. An edit armed
 * in the UI is saved first: it lands between the client's read and this write.
 */
export function update(ctx: Ctx): Reply {
  checkFamily(ctx)
  const wf = known(ctx, ctx.match.name)
  applyPendingEdits(ctx.state, wf.name)
  const doc = asWorkflowDocument(json(ctx))
  if (doc.metadata.name !== wf.name) throw new HttpError(400, 'metadata.name must match the path')
  checkResourceVersion(ctx.state, wf, doc.metadata.resourceVersion)
  const keep = wf.document.metadata
  wf.document = {
    ...structuredClone(doc),
    metadata: {
      ...structuredClone(doc.metadata),
      namespace: wf.namespace,
      uid: keep.uid,
      creationTimestamp: keep.creationTimestamp,
      resourceVersion: keep.resourceVersion,
      generation: keep.generation
    },
    payload: structuredClone(doc.payload ?? [])
  }
  wf.text = ctx.raw.toString('utf8')
  bumpVersion(ctx.state, wf)
  indexTemplate(wf, Date.now() + ctx.state.scenario.indexLagMs)
  return ok(workflowResponse(wf))
}

export function archive(ctx: Ctx): Reply {
  checkFamily(ctx)
  const wf = known(ctx, ctx.match.name)
  ctx.state.workflows.delete(wf.name)
  return ok() // an empty 200; the SDK ignores the body
}
