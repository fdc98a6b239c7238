// The slice of the Atlan client the run lifecycle uses; an interface so the lifecycle can be
// unit-tested with a fake and so it reads as the contract it relies on.
import type { WorkflowDocument } from '../lineage/workflow.js'

export type RemotePhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error'

export interface WorkflowRef {
  name: string
  namespace: string
  parameters: Record<string, unknown>
  /** Whether the workflow reads through a stored credential (undefined: cannot tell). */
  hasCredential?: boolean
}

export interface RunRef {
  name: string
  workflowName: string
  phase: RemotePhase
  startedAt?: string
  finishedAt?: string
  message?: string
  progress?: string
  estimatedDurationS?: number
  creationTimestamp?: string
}

export interface AtlanApi {
  family(): Promise<'workflows' | 'package-workflows'>
  findWorkflow(name: string): Promise<WorkflowRef | undefined>
  findLatestWorkflow(): Promise<WorkflowRef | undefined>
  latestRun(workflowName: string): Promise<RunRef | undefined>
  currentRun(workflowName: string): Promise<RunRef | undefined>
  runsOf(workflowName: string, size: number): Promise<RunRef[]>
  getRun(runName: string): Promise<RunRef | undefined>
  submitWorkflow(doc: WorkflowDocument): Promise<{ workflowName: string }>
  rerun(workflowName: string, namespace: string): Promise<{ runName?: string }>
  stopRun(runName: string): Promise<void>
  presignUpload(key: string): Promise<string>
  uploadFile(url: string, path: string): Promise<unknown>
  runUrl(workflowName: string, runName: string): string
}

export const TERMINAL: ReadonlySet<RemotePhase> = new Set(['Succeeded', 'Failed', 'Error'])
