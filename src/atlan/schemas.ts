// Response shapes this client reads (docs/atlan-contract.md §3). Only the fields we use are declared; everything
// else passes through untouched so the raw documents stay available.
import { z } from 'zod'

const RUN_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'] as const
export type RunPhase = (typeof RUN_PHASES)[number]
export const TERMINAL_PHASES: readonly RunPhase[] = ['Succeeded', 'Failed', 'Error']

/** Optional string that tolerates null. */
const optString = z.string().nullish()

/** GET whoami: roles are `{name}` objects (docs/atlan-contract.md §3.1); bare strings are accepted too. */
export const whoamiSchema = z.looseObject({
  roles: z.array(z.union([z.string(), z.looseObject({ name: optString })])).nullish()
})

const metadataSchema = z.looseObject({
  name: z.string(),
  namespace: optString,
  creationTimestamp: optString,
  labels: z.record(z.string(), z.unknown()).nullish(),
  annotations: z.record(z.string(), z.unknown()).nullish()
})

const parameterSchema = z.looseObject({ name: z.string(), value: z.unknown() })

const workflowSpecSchema = z.looseObject({
  templates: z
    .array(
      z.looseObject({
        name: optString,
        dag: z
          .looseObject({
            tasks: z
              .array(
                z.looseObject({
                  name: optString,
                  arguments: z
                    .looseObject({ parameters: z.array(parameterSchema).nullish() })
                    .nullish()
                })
              )
              .nullish()
          })
          .nullish()
      })
    )
    .nullish(),
  workflowTemplateRef: z.looseObject({ name: optString }).nullish()
})

/** `_source` of a workflows/indexsearch hit (docs/atlan-contract.md §3.4). */
export const workflowDetailSchema = z.looseObject({
  metadata: metadataSchema,
  spec: workflowSpecSchema.nullish(),
  payload: z.array(z.unknown()).nullish()
})
export type WorkflowDetail = z.infer<typeof workflowDetailSchema>

/** Argo leaves phase empty until the controller picks a run up; that is Pending. */
const phaseSchema = z.preprocess(
  v => (v === '' || v === null || v === undefined ? 'Pending' : v),
  z.enum(RUN_PHASES)
)

/** Argo reports estimatedDuration in whole seconds; accept a numeric string too. */
const secondsSchema = z.preprocess(
  v => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
  z.number().nonnegative().nullish()
)

const runStatusSchema = z.looseObject({
  phase: phaseSchema,
  startedAt: optString,
  finishedAt: optString,
  message: optString,
  progress: optString,
  estimatedDuration: secondsSchema
})

/** `_source` of a runs/indexsearch hit (docs/atlan-contract.md §3.6). */
const runDetailSchema = z.looseObject({
  metadata: z
    .looseObject({
      name: optString,
      creationTimestamp: optString,
      labels: z.record(z.string(), z.unknown()).nullish()
    })
    .nullish(),
  spec: z
    .looseObject({ workflowTemplateRef: z.looseObject({ name: optString }).nullish() })
    .nullish(),
  status: runStatusSchema
    .nullish()
    .transform((s): z.output<typeof runStatusSchema> => s ?? { phase: 'Pending' })
})
export type RunDetail = z.infer<typeof runDetailSchema>

/** The index-search envelope shared by both indexes (docs/atlan-contract.md §3.4). */
function searchResponseSchema<S extends z.ZodType>(source: S) {
  return z.looseObject({
    took: z.number().nullish(),
    hits: z
      .looseObject({
        total: z.looseObject({ value: z.number().nullish() }).nullish(),
        hits: z
          .array(
            z.looseObject({
              _id: z.string(),
              _source: source,
              sort: z.array(z.unknown()).nullish()
            })
          )
          .nullish()
      })
      .nullish()
  })
}

export const workflowSearchSchema = searchResponseSchema(workflowDetailSchema)
export const runSearchSchema = searchResponseSchema(runDetailSchema)

/** POST {family}?submit=true: metadata.name is the workflow (template) name (docs/atlan-contract.md §3.2). */
export const submitResponseSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: optString })
})

/** POST {family}/submit: metadata.name is the new run's name, when present (docs/atlan-contract.md §3.3). */
export const rerunResponseSchema = z.looseObject({
  metadata: z.looseObject({ name: optString, namespace: optString }).nullish(),
  status: z.looseObject({ phase: optString }).nullish()
})

/** POST runs/{run}/stop: a WorkflowRunResponse; nothing in it is needed (docs/atlan-contract.md §3.10). */
export const stopResponseSchema = z.unknown()

/** POST files/presignedUrl (docs/atlan-contract.md §3.13). */
export const presignedUrlSchema = z.looseObject({
  url: z.string().refine(u => /^https?:\/\//i.test(u) && URL.canParse(u), 'expected an http(s) URL')
})
