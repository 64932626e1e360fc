/**
 * Errors that carry a one-line, user-facing message. run() catches once and reports
 * `error.message`; anything that is not an ActionError is a bug and is reported as such.
 */
export class ActionError extends Error {
  override name = 'ActionError'
}

/** An input is invalid. The message names the input and says what would be valid. */
export class InputError extends ActionError {
  override name = 'InputError'
  readonly input: string

  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`)
    this.input = input
  }
}
