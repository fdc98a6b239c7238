// The slice of the Atlan client the run stages use; an interface so they can be
// unit-tested with a fake and so it reads as the contract they rely on.
import type { RunInfo, StoredTemplate, WorkflowInfo } from '../atlan/client.js'
import type { AtlanFile } from '../atlan/files.js'
import type { WorkflowDocument } from '../lineage/workflow.js'

/** How many of a workflow's newest runs a search reads (pyatlan's size, docs/atlan-contract.md §3.7). */
export const RECENT_RUNS = 50

export type WorkflowRef = Pick<WorkflowInfo, 'name' | 'namespace' | 'parameters' | 'hasCredential'>

export interface AtlanApi {
  findWorkflow(name: string): Promise<WorkflowRef | undefined>
  findLatestWorkflow(): Promise<WorkflowRef | undefined>
  /** Names of up to `size` Lineage Builder workflows, newest first (docs/atlan-contract.md §3.4). */
  workflowNames(size: number): Promise<string[]>
  /** Newest created first (docs/atlan-contract.md §3.7). */
  runsOf(workflowName: string, size: number): Promise<RunInfo[]>
  getRun(runName: string): Promise<RunInfo | undefined>
  submitWorkflow(doc: WorkflowDocument): Promise<{ workflowName: string }>
  rerun(workflowName: string, namespace: string): Promise<{ runName?: string }>
  stopRun(runName: string): Promise<void>
  presignUpload(key: string): Promise<string>
  uploadFile(url: string, path: string): Promise<unknown>
  /** Direct-upload workflows: the UI's multipart upload, the template as stored, and its update. */
  uploadDirect(path: string, expectedSha256?: string): Promise<AtlanFile>
  readTemplate(workflowName: string): Promise<StoredTemplate | undefined>
  /** `text`: the whole template as JSON text, sent as is. */
  updateWorkflow(
    workflowName: string,
    text: string
  ): Promise<WorkflowRef & Pick<WorkflowInfo, 'generation'>>
  runUrl(workflowName: string, runName: string): string
}
