// A stored Lineage Builder workflow template as the tests build and read it (docs/atlan-contract.md
// §3.4, §5): one DAG task whose arguments carry the run's parameters.

export type Param = { name: string; value: unknown }

/** A WorkflowTemplate named `name` whose one task carries `parameters`; `metadata` adds fields. */
export function workflowTemplate(
  name: string,
  parameters: Param[],
  metadata: Record<string, unknown> = {}
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name, namespace: 'default', ...metadata },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              {
                name: 'run',
                arguments: { parameters },
                templateRef: { name: 'csa-lineage-builder', template: 'main', clusterScope: true }
              }
            ]
          }
        }
      ],
      workflowTemplateRef: { name }
    }
  }
}

/** The parameters of a template's one task (a template read back, sent or stored). */
export function templateParameters(doc: unknown): Param[] {
  const d = doc as {
    spec?: { templates?: { dag?: { tasks?: { arguments?: { parameters?: Param[] } }[] } }[] }
  }
  return d.spec?.templates?.[0]?.dag?.tasks?.[0]?.arguments?.parameters ?? []
}
