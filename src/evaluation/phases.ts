/** A run's outcome as it starts, and the tracker of its phases (durations, where it failed). */
import type { Clock } from '../clock.js'
import { ActionError } from '../errors.js'
import type { Failure, Phase, RunOutcome } from './outcome.js'

/** The fields of RunOutcome a run starts with, before any step. */
export function newOutcome(
  config: { competitionId: number | null; timeoutMinutes: number } | null,
  commentKey: string
): RunOutcome {
  return {
    kind: 'error',
    competitionId: config?.competitionId ?? null,
    competition: null,
    competitionUrl: null,
    wire: null,
    agentId: null,
    agentName: null,
    agentCreated: false,
    runtime: null,
    files: [],
    removedFiles: [],
    quota: null,
    status: null,
    games: [],
    logs: [],
    logsDir: null,
    rank: null,
    timings: [],
    failure: null,
    notes: [],
    timeoutMinutes: config?.timeoutMinutes ?? null,
    commentKey,
    course: null
  }
}

/** Records the duration of each phase and which phase a failure happened in. */
export class PhaseTracker {
  current: Phase = 'inputs'
  readonly #outcome: RunOutcome
  readonly #clock: Clock

  constructor(outcome: RunOutcome, clock: Clock) {
    this.#outcome = outcome
    this.#clock = clock
  }

  async run<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    this.current = phase
    const started = this.#clock.now()
    try {
      return await fn()
    } finally {
      this.#outcome.timings.push({ phase, ms: Math.round(this.#clock.now() - started) })
    }
  }

  failure(error: unknown): Failure {
    const message =
      error instanceof ActionError
        ? error.message
        : `Unexpected error (a bug in mlarena-action, please report it): ${error instanceof Error ? error.message : String(error)}`
    return { phase: this.current, message }
  }
}

export function competitionPageUrl(
  baseUrl: string,
  wire: 'current' | 'legacy' | null,
  competitionId: number
): string {
  return `${baseUrl}/${wire === 'legacy' ? 'competition' : 'challenge'}/${competitionId}`
}
