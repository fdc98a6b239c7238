// The slice of the Atlan client the run lifecycle uses; an interface so the lifecycle can be
// unit-tested with a fake and so it reads as the contract it relies on.
import type { RunInfo, WorkflowInfo } from '../atlan/client.js'
import type { AtlanFile } from '../atlan/files.js'
import type { RunPhase, WorkflowDetail } from '../atlan/schemas.js'
import type { WorkflowDocument } from '../lineage/workflow.js'

export type RemotePhase = RunPhase
export type WorkflowRef = Pick<WorkflowInfo, 'name' | 'namespace' | 'parameters' | 'hasCredential'>
export type RunRef = RunInfo

export interface AtlanApi {
  findWorkflow(name: string): Promise<WorkflowRef | undefined>
  findLatestWorkflow(): Promise<WorkflowRef | undefined>
  currentRun(workflowName: string): Promise<RunRef | undefined>
  runsOf(workflowName: string, size: number): Promise<RunRef[]>
  getRun(runName: string): Promise<RunRef | undefined>
  submitWorkflow(doc: WorkflowDocument): Promise<{ workflowName: string }>
  rerun(workflowName: string, namespace: string): Promise<{ runName?: string }>
  stopRun(runName: string): Promise<void>
  presignUpload(key: string): Promise<string>
  uploadFile(url: string, path: string): Promise<unknown>
  /** Direct-upload workflows: the UI's multipart upload, the template as stored, and its update. */
  uploadDirect(path: string, expectedSha256?: string): Promise<AtlanFile>
  readTemplate(workflowName: string): Promise<WorkflowDetail | undefined>
  updateWorkflow(workflowName: string, doc: unknown): Promise<WorkflowRef>
  runUrl(workflowName: string, runName: string): string
}
