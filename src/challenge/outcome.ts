/**
 * Everything a run of the challenge action found and did: what the report renders and the
 * outputs are read from. Filled step by step; a failed run still has one.
 */
import type { BenchmarkStatus, StartIssue } from '../arena/creator-model.js'
import type { Wire } from '../arena/model.js'
import type { Finding } from './findings.js'
import type { Plan } from './plan.js'

export type ChallengeOutcomeKind =
  /** Plan mode: the plan is sound (it may have no changes). */
  | 'planned'
  /** Plan mode: the plan has errors (findings, or changes a started challenge refuses). */
  | 'plan-failed'
  /** Apply mode: everything applied (and the benchmark passed when it ran). */
  | 'applied'
  /** Apply mode: nothing was written, because the plan has errors or ML Arena refused a file. */
  | 'refused'
  | 'benchmark-failed'
  | 'timeout'
  /** start: true, but start blockers remain. */
  | 'blocked'
  /** Applied and started. */
  | 'started'
  | 'skipped'
  | 'cancelled'
  | 'error'

export type BenchmarkEnd = 'completed' | 'failed' | 'cancelled' | 'timeout' | 'interrupted'

export interface ChallengeOutcome {
  mode: 'plan' | 'apply'
  kind: ChallengeOutcomeKind
  challengeId: number | null
  /** The challenge was created by this run (say which id to pin). */
  created: boolean
  name: string
  url: string | null
  /** draft | started | stopped | new (after the run). */
  status: string | null
  wire: Wire | null
  plan: Plan | null
  /** Findings ML Arena made while applying (a refused challenge.toml), beyond the plan's. */
  serverFindings: Finding[]
  benchmark: BenchmarkStatus | null
  benchmarkEnd: BenchmarkEnd | null
  /** Start blockers after the run; null when unknown or started. */
  blockers: StartIssue[] | null
  /** How many of the plan's steps were carried out. */
  applied: number
  failure: string | null
  notes: string[]
  /** The workspace path the resolved challenge.toml was exported to (export_config), if any. */
  exportedConfig: string | null
}

export function newChallengeOutcome(mode: 'plan' | 'apply', name: string): ChallengeOutcome {
  return {
    mode,
    kind: 'error',
    challengeId: null,
    created: false,
    name,
    url: null,
    status: null,
    wire: null,
    plan: null,
    serverFindings: [],
    benchmark: null,
    benchmarkEnd: null,
    blockers: null,
    applied: 0,
    failure: null,
    notes: [],
    exportedConfig: null
  }
}

/** Every finding of the run: the plan's and the server's. */
export function allFindings(outcome: ChallengeOutcome): Finding[] {
  return [...(outcome.plan?.findings ?? []), ...outcome.serverFindings]
}

/** The challenge's page (the participant action links competitions the same way). */
export function challengeUrl(baseUrl: string, wire: Wire | null, id: number): string {
  return `${baseUrl}/${wire === 'legacy' ? 'competition' : 'challenge'}/${id}`
}
