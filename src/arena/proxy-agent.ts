/**
 * The dispatcher the ML Arena client uses by default: undici's EnvHttpProxyAgent, which reads
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower-case names first), on the undici 6 line that the
 * Actions toolkit (@actions/http-client) pins, so one undici serves every request of a run.
 *
 * undici 6 flags EnvHttpProxyAgent as experimental and prints that once per process on stderr,
 * i.e. in every run's log (undici 7 dropped the flag; its API did not change). Only that one
 * warning, by its code, is dropped, and only while the agent is being built.
 */
import { EnvHttpProxyAgent } from 'undici'

const EXPERIMENTAL_WARNING = 'UNDICI-EHPA'

export function envProxyAgent(): EnvHttpProxyAgent {
  const emitWarning = process.emitWarning
  process.emitWarning = function (this: NodeJS.Process, ...args: unknown[]): void {
    const options = args[1]
    const code =
      typeof options === 'object' && options !== null
        ? (options as { code?: unknown }).code
        : args[2]
    if (code === EXPERIMENTAL_WARNING) return
    ;(emitWarning as (...rest: unknown[]) => void).apply(process, args)
  } as typeof process.emitWarning
  try {
    return new EnvHttpProxyAgent()
  } finally {
    process.emitWarning = emitWarning
  }
}
