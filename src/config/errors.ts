/** A problem with the user's inputs or files: reported as-is, without a stack trace. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly input?: string
  ) {
    super(message)
    this.name = 'ConfigError'
  }
}
