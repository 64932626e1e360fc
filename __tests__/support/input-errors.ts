/** The InputError a call throws (sync or async); anything else thrown, or nothing, fails the test. */
import { InputError } from '../../src/errors.js'

export function inputErrorOf(run: () => unknown): InputError {
  try {
    run()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError, but nothing was thrown')
}

export async function asyncInputErrorOf(run: () => Promise<unknown>): Promise<InputError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError, but nothing was thrown')
}
