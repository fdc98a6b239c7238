// The settings a run applies, computed once per step: a create applies the inputs, a rerun the
// settings its workflow stores (docs/atlan-contract.md §5.2, §5.4). The same value carries the
// fail_on_errors gate, worded for where that setting lives.
import type { AppliedOptions, Config, InputHandling, LineageOptions } from '../config/types.js'
import { ConfigError } from '../config/errors.js'
import { isUsableSeparator } from '../config/fields.js'
import type { WorkflowRef } from './api.js'
import type { Target } from './resolve.js'

/** What the fail_on_errors gate makes of errors found before the run. */
export type GateVerdict = { stop: string } | { warning: string }

export interface Settings {
  /** The options the run applies; a rerun's name its workflow (`rerunOf`, for the CSV check's hints). */
  options: AppliedOptions
  /** A rerun's settings by input name (defaults marked) for the summary; none for a create. */
  stored?: Record<string, string>
  /** One line per option input a rerun does not apply (warned once, noted in the summary). */
  differences: string[]
  /**
   * The fail_on_errors gate for errors found before the run (the CSV's, the tenant plan's). With
   * fail_on_errors on, `stop` is the step's message: `problem`, then `fix`, then (last and once)
   * how to run anyway: turn the setting off (the input for a create, the stored setting for a
   * rerun), with `consequence`.
   * With it off, `warning` says the step runs anyway.
   */
  gate(problem: string, fix: string, consequence?: string): GateVerdict
}

/** The settings `target` applies, the differences with the inputs, and the gate. */
export function settingsFor(config: Config, target: Target): Settings {
  if (target.kind !== 'rerun')
    return {
      options: config.options,
      differences: [],
      gate: gateFor(config.options.failOnErrors, 'set fail_on_errors: false')
    }
  const { workflow } = target
  const applied = appliedOptions(workflow)
  return {
    options: { ...applied.options, rerunOf: workflow.name },
    stored: storedSettings(workflow, applied),
    differences: settingDifferences(config, workflow, applied),
    gate: gateFor(
      applied.options.failOnErrors,
      `set "Fail on errors" to No in workflow ${workflow.name} in Atlan (a rerun applies the stored setting)`
    )
  }
}

function gateFor(failOnErrors: boolean, turnOff: string): Settings['gate'] {
  return (problem, fix, consequence = '') =>
    failOnErrors
      ? { stop: `${problem}. ${fix} To run anyway${consequence}, ${turnOff}.` }
      : { warning: `${problem}; running anyway because fail_on_errors is false.` }
}

/** The Lineage Builder's own values for settings a workflow does not store (§5.4). */
const PACKAGE_DEFAULTS: Required<LineageOptions> = {
  inputHandling: 'partial',
  failOnErrors: true,
  caseSensitive: true,
  fieldSeparator: ',',
  batchSize: 20
}

/** Option inputs and the workflow parameters that store them (§5.2). */
const OPTION_PARAMS = [
  ['inputHandling', 'input_handling', 'lineage_upsert_semantic'],
  ['failOnErrors', 'fail_on_errors', 'lineage_fail_on_errors'],
  ['caseSensitive', 'case_sensitive_match', 'lineage_case_sensitive'],
  ['fieldSeparator', 'field_separator', 'field_separator'],
  ['batchSize', 'batch_size', 'batch_size']
] as const

type OptionKey = (typeof OPTION_PARAMS)[number][0]
type Options = Required<LineageOptions>

/** The workflow parameter that stores an option. */
const paramOf = (key: OptionKey): string => OPTION_PARAMS.find(([k]) => k === key)?.[2] ?? key

function storedBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === undefined || v === null) return undefined
  const t = String(v).trim().toLowerCase()
  return t === 'true' ? true : t === 'false' ? false : undefined
}

function storedNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'number' ? v : Number(String(v).trim())
  return Number.isFinite(n) && String(v).trim() !== '' ? n : undefined
}

function storedText(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v)
}

/**
 * The options a run of this stored workflow applies: the stored value of each, else the Lineage
 * Builder's default (§5.4). A stored separator the package would refuse fails here, before
 * anything is uploaded or run.
 */
export function appliedOptions(workflow: Pick<WorkflowRef, 'name' | 'parameters'>): {
  options: Required<LineageOptions>
  stored: Set<OptionKey>
} {
  const stored = new Set<OptionKey>()
  const param = (key: OptionKey) => workflow.parameters[paramOf(key)]
  /** The stored value when there is one (and readable), else the package default. */
  const pick = <K extends OptionKey>(key: K, value: Options[K] | undefined): Options[K] => {
    if (value === undefined) return PACKAGE_DEFAULTS[key]
    stored.add(key)
    return value
  }
  const options: Options = {
    // Passed on as stored, even a value this action does not know (it is shown as is).
    inputHandling: pick('inputHandling', storedText(param('inputHandling')) as InputHandling),
    failOnErrors: pick('failOnErrors', storedBoolean(param('failOnErrors'))),
    caseSensitive: pick('caseSensitive', storedBoolean(param('caseSensitive'))),
    fieldSeparator: pick('fieldSeparator', storedText(param('fieldSeparator'))),
    batchSize: pick('batchSize', storedNumber(param('batchSize')))
  }
  const sep = options.fieldSeparator
  if (!isUsableSeparator(sep))
    throw new ConfigError(
      `Workflow ${workflow.name} stores field_separator ${JSON.stringify(sep)}; ` +
        ([...sep].length !== 1
          ? 'the Lineage Builder stops on a separator that is not exactly one character (exit code 2). '
          : 'this action checks CSVs split on one ASCII character other than a quote or a line break. ') +
        'Fix it in Atlan (edit the workflow, Field separator) before running it.',
      'workflow_name'
    )
  return { options, stored }
}

const shownValue = (key: OptionKey, v: unknown) =>
  key === 'fieldSeparator' ? JSON.stringify(v) : String(v)

/** Settings a rerun applies, by input name (defaults marked), plus where it reads its file. */
export function storedSettings(
  workflow: Pick<WorkflowRef, 'name' | 'parameters'>,
  { options, stored } = appliedOptions(workflow)
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, input] of OPTION_PARAMS) {
    const v = shownValue(key, options[key])
    out[input] = stored.has(key) ? v : `${v} (not stored: Lineage Builder default)`
  }
  // A Direct-upload workflow's file is shown as a before/now note instead (it changes in the step).
  for (const [param, label] of [
    ['lineage_prefix', 'prefix'],
    ['lineage_key', 'object_key']
  ] as const) {
    const v = workflow.parameters[param]
    if (v !== undefined && v !== '') out[label] = String(v)
  }
  return out
}

/**
 * The option inputs whose applied value differs between `planned` (what the plan read) and what
 * `workflow` stores now, each as `input (then → now)`.
 */
export function settingsDrift(
  planned: Required<LineageOptions>,
  workflow: Pick<WorkflowRef, 'name' | 'parameters'>
): string[] {
  const { options } = appliedOptions(workflow)
  return OPTION_PARAMS.filter(([key]) => planned[key] !== options[key]).map(
    ([key, input]) =>
      `${input} (${shownValue(key, planned[key])} → ${shownValue(key, options[key])})`
  )
}

/** One line per option input whose value differs from what the stored workflow will apply. */
export function settingDifferences(
  config: Config,
  workflow: Pick<WorkflowRef, 'name' | 'parameters'>,
  { options, stored } = appliedOptions(workflow)
): string[] {
  const change = `To change it, edit workflow ${workflow.name} in Atlan (Workflows → ${workflow.name} → edit the Lineage Builder settings), or set the input to match.`
  return OPTION_PARAMS.filter(([key]) => config.options[key] !== options[key]).map(
    ([key, input]) => {
      const mine = shownValue(key, config.options[key])
      const theirs = shownValue(key, options[key])
      return stored.has(key)
        ? `${input}: the input is ${mine}, but ${workflow.name} stores ${theirs}, which a rerun applies. ${change}`
        : `${input}: the input is ${mine}, but ${workflow.name} does not store it, so the Lineage Builder applies its default ${theirs}. ${change}`
    }
  )
}
