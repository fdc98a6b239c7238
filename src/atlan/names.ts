// Run and workflow names: checked before one goes into a URL or is trusted from saved state.
// A module of its own so that the state check at start does not load the HTTP stack.

// Kubernetes object names (run and workflow names): DNS subdomain rules.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** True when `name` can be a run or workflow name; `""`, `.` and `..` never are. */
export function isValidName(name: string | undefined): name is string {
  return typeof name === 'string' && OBJECT_NAME.test(name) && !/\.\./.test(name)
}

/** `name` as one URL path segment, or a clear error when it cannot be a run or workflow name. */
export function nameSegment(name: string, what: string): string {
  if (!isValidName(name))
    throw new Error(
      `Refusing to build a URL for ${what} ${JSON.stringify(String(name).slice(0, 80))}: it is not a valid name (lowercase letters, digits, dots and dashes). Check the run in the Atlan UI.`
    )
  return encodeURIComponent(name)
}
