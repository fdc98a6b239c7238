// Check runs as GitHub keeps them: fields overwrite, annotations append, a conclusion completes.

export interface SimAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: string
  message: string
  title?: string
  [key: string]: unknown
}

export interface SimCheckRunState {
  at: string
  method: 'POST' | 'PATCH'
  status: string
  conclusion: string | null
  /** Annotations this request added. */
  annotations: number
}

export interface SimCheckRun {
  id: number
  owner: string
  repo: string
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  details_url: string | null
  external_id: string | null
  started_at: string | null
  completed_at: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: SimAnnotation[]
  /** One entry per accepted create/update, oldest first. */
  history: SimCheckRunState[]
}

type Body = Record<string, unknown>
export type Reply = { status: number; body: unknown }

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

export class CheckRunStore {
  private readonly runs = new Map<number, SimCheckRun>()
  private nextId = 4_000_000_001

  constructor(private readonly webUrl: () => string) {}

  all(): SimCheckRun[] {
    return [...this.runs.values()].map(r => structuredClone(r))
  }

  create(owner: string, repo: string, body: Body): Reply {
    const problem = completionProblem(body)
    if (problem) return unprocessable(problem)
    const run: SimCheckRun = {
      id: this.nextId++,
      owner,
      repo,
      name: String(body.name),
      head_sha: String(body.head_sha),
      status: 'queued',
      conclusion: null,
      details_url: null,
      external_id: null,
      started_at: new Date().toISOString(),
      completed_at: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      history: []
    }
    this.apply(run, body, 'POST')
    this.runs.set(run.id, run)
    return { status: 201, body: this.toApi(run) }
  }

  update(owner: string, repo: string, id: number, body: Body): Reply {
    const run = this.runs.get(id)
    if (!run || run.owner !== owner || run.repo !== repo) return notFound()
    const problem = completionProblem(body)
    if (problem) return unprocessable(problem)
    this.apply(run, body, 'PATCH')
    return { status: 200, body: this.toApi(run) }
  }

  get(owner: string, repo: string, id: number): Reply {
    const run = this.runs.get(id)
    if (!run || run.owner !== owner || run.repo !== repo) return notFound()
    return { status: 200, body: this.toApi(run) }
  }

  private apply(run: SimCheckRun, body: Body, method: 'POST' | 'PATCH'): void {
    run.name = str(body.name) ?? run.name
    run.details_url = str(body.details_url) ?? run.details_url
    run.external_id = str(body.external_id) ?? run.external_id
    run.started_at = str(body.started_at) ?? run.started_at
    run.status = str(body.status) ?? run.status
    if (typeof body.conclusion === 'string') {
      // "Providing conclusion will automatically set the status parameter to completed."
      run.conclusion = body.conclusion
      run.status = 'completed'
    }
    if (run.status === 'completed') {
      run.completed_at = str(body.completed_at) ?? run.completed_at ?? new Date().toISOString()
    }
    const output = body.output as Body | undefined
    let added = 0
    if (output) {
      run.output.title = str(output.title) ?? run.output.title
      run.output.summary = str(output.summary) ?? run.output.summary
      run.output.text = str(output.text) ?? run.output.text
      const annotations = Array.isArray(output.annotations) ? output.annotations : []
      run.annotations.push(...(annotations as SimAnnotation[]))
      added = annotations.length
    }
    run.history.push({
      at: new Date().toISOString(),
      method,
      status: run.status,
      conclusion: run.conclusion,
      annotations: added
    })
  }

  private toApi(run: SimCheckRun): Record<string, unknown> {
    const repoUrl = `${this.webUrl()}/${run.owner}/${run.repo}`
    return {
      id: run.id,
      node_id: `CR_sim${run.id}`,
      head_sha: run.head_sha,
      external_id: run.external_id,
      url: `${this.webUrl()}/repos/${run.owner}/${run.repo}/check-runs/${run.id}`,
      html_url: `${repoUrl}/runs/${run.id}`,
      details_url: run.details_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: {
        ...run.output,
        annotations_count: run.annotations.length,
        annotations_url: `${this.webUrl()}/repos/${run.owner}/${run.repo}/check-runs/${run.id}/annotations`
      },
      name: run.name,
      check_suite: { id: 1 },
      app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
      pull_requests: []
    }
  }
}

/** The rule the schema cannot state for POST: completed (or completed_at) needs a conclusion. */
function completionProblem(body: Body): string | undefined {
  const completing = body.status === 'completed' || body.completed_at !== undefined
  if (completing && body.conclusion === undefined) {
    return 'conclusion is required when status is completed or completed_at is given'
  }
  return undefined
}

function unprocessable(message: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Invalid request.',
      errors: [message],
      documentation_url: 'https://docs.github.com/rest/checks/runs',
      status: '422'
    }
  }
}

function notFound(): Reply {
  return {
    status: 404,
    body: {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run',
      status: '404'
    }
  }
}
