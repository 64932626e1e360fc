/**
 * Runner time: N agents evaluated by N waiting jobs, against N jobs with `wait: false` plus the
 * follow-up (report/action.yml) on a 5-minute schedule, for evaluations of 2 and 20 minutes.
 *
 *   npm exec -- node bench/runner-minutes.ts [N list, default 1,10,50]
 *
 * Nothing sleeps: every job runs on a virtual clock (the Clock the tests use), with the
 * action's own code deciding when it is done. The waiting job is the real watch
 * (`watchStatus`, poll-interval-seconds 10 and its backoff) against a status that turns
 * `active` exactly E minutes after the deploy; the follow-up's runs are the real reading and
 * judging (`readAgents`: one `mine` list, a full status only for what may have ended) at each
 * 5-minute tick until every agent is reported, counting the requests each run makes. What the
 * code cannot tell is assumed and printed: a job's fixed cost (runner start, checkout, loading
 * the action) and the time of one request. GitHub bills each job by the minute, rounded up:
 * both raw runner seconds and billed minutes are given.
 */
import type { StatusReader } from '../src/follow-up/judge.js'
import type { PendingAgent } from '../src/follow-up/discover.js'
import type { AgentStatus, MyAgent } from '../src/arena/model.js'
import type { Clock } from '../src/clock.js'
import { emit } from './lib.ts' // first: the resolve hook for src/ (dynamic imports below)

const { watchStatus } = await import('../src/evaluation/steps/watch.js')
const { readAgents } = await import('../src/follow-up/judge.js')

/** Assumed: a job's fixed cost from its start to the action's first request (GitHub-hosted runner). */
const JOB_SETUP_S = 20
/** Assumed: one request to ML Arena or GitHub, end to end. */
const REQUEST_S = 0.3
/** Requests of a submission up to the deploy (wire, competition, quota, create, upload, deploy, quota, status). */
const SUBMIT_REQUESTS = 9
/** After the end: games, the board reads, the sticky comment (find, write). */
const REPORT_REQUESTS = 7
/** wait: false: the pending check run. */
const MARK_REQUESTS = 1
/** Follow-up, per run: identity, comments of the repository (one page). */
const DISCOVER_REQUESTS = 2
/** Follow-up, per finished agent: check run, comment. */
const PUBLISH_REQUESTS = 2
const SCHEDULE_MIN = 5

class VirtualClock implements Clock {
  ms = 0
  now(): number {
    return this.ms
  }
  async sleep(ms: number): Promise<void> {
    this.ms += ms
  }
}

function status(state: string): AgentStatus {
  const terminal = state === 'active'
  return {
    state,
    terminal,
    settled: terminal,
    deployable: true,
    message: null,
    queuePosition: null,
    queueTotal: null,
    runs: []
  } as unknown as AgentStatus
}

/** Seconds one waiting job runs: setup, submission, the real watch until it sees the end, report. */
async function waitingJob(evaluationMs: number): Promise<{ seconds: number; polls: number }> {
  const clock = new VirtualClock()
  const submitS = SUBMIT_REQUESTS * REQUEST_S
  const result = await watchStatus(
    async () => {
      clock.ms += REQUEST_S * 1000
      return status(clock.ms >= evaluationMs ? 'active' : 'deploy_running')
    },
    { clock, timeoutMs: 30 * 60_000, intervalMs: 10_000 }
  )
  if (result.end !== 'terminal') throw new Error(`the watch ended ${result.end}`)
  return {
    seconds: JOB_SETUP_S + submitS + clock.ms / 1000 + REPORT_REQUESTS * REQUEST_S,
    polls: result.polls
  }
}

function pendingAgent(agentId: number): PendingAgent {
  return {
    snapshot: {
      v: 1,
      competitionId: 1,
      agentId,
      submittedAt: 0,
      sha: 'a'.repeat(40),
      mark: { kind: 'check-run', id: agentId },
      failOn: [],
      logs: 3,
      workingDirectory: '',
      outcome: {} as PendingAgent['snapshot']['outcome']
    },
    comment: null,
    checkRunId: agentId,
    status: null,
    partial: false
  }
}

interface FollowUpCost {
  runs: number
  seconds: number
  billedMinutes: number
  requests: number
}

/** The scheduled follow-up, tick by tick, until every agent is reported. */
async function followUps(n: number, evaluationMs: number): Promise<FollowUpCost> {
  let pending = Array.from({ length: n }, (_, i) => pendingAgent(i + 1))
  const submittedAtMs = (JOB_SETUP_S + SUBMIT_REQUESTS * REQUEST_S) * 1000
  const cost: FollowUpCost = { runs: 0, seconds: 0, billedMinutes: 0, requests: 0 }
  for (let tick = 1; pending.length > 0; tick++) {
    const now = tick * SCHEDULE_MIN * 60_000
    let requests = DISCOVER_REQUESTS
    const ended = (): boolean => now - submittedAtMs >= evaluationMs
    const reader: StatusReader = {
      mine: async () => {
        requests += 1
        return pending.map((agent): MyAgent => ({
          id: agent.snapshot.agentId,
          name: 'agent',
          competitionId: 1,
          rank: null,
          state: ended() ? 'active' : 'deploy_running'
        }))
      },
      status: async () => {
        requests += 1
        return status(ended() ? 'active' : 'deploy_running')
      }
    }
    const readings = await readAgents(reader, pending, {
      now: now - submittedAtMs,
      boundMs: 24 * 3600_000,
      graceMs: 120_000
    })
    const finished = readings.filter(reading => reading.kind === 'finished')
    requests += finished.length * (REPORT_REQUESTS - 2 + PUBLISH_REQUESTS)
    const seconds = JOB_SETUP_S + requests * REQUEST_S
    cost.runs += 1
    cost.seconds += seconds
    cost.billedMinutes += Math.ceil(seconds / 60)
    cost.requests += requests
    pending = readings.filter(reading => reading.kind === 'running').map(reading => reading.agent)
  }
  return cost
}

const counts = (process.argv[2] ?? '1,10,50').split(',').map(Number)
const rows: string[] = []
const detail: Record<string, unknown> = {
  assumed: { JOB_SETUP_S, REQUEST_S, SCHEDULE_MIN, SUBMIT_REQUESTS, REPORT_REQUESTS }
}
let worst = 0
for (const minutes of [2, 20]) {
  const evaluationMs = minutes * 60_000
  const waiting = await waitingJob(evaluationMs)
  const noWaitS = JOB_SETUP_S + (SUBMIT_REQUESTS + MARK_REQUESTS + 3) * REQUEST_S
  for (const n of counts) {
    const follow = await followUps(n, evaluationMs)
    const waitBilled = n * Math.ceil(waiting.seconds / 60)
    const noWaitBilled = n * Math.ceil(noWaitS / 60) + follow.billedMinutes
    const ratio = noWaitBilled / waitBilled
    const goal = 1 / n + follow.billedMinutes / waitBilled
    worst = Math.max(worst, ratio)
    rows.push(
      `E ${minutes} min, N ${n}: waiting ${waitBilled} min (${Math.round(n * waiting.seconds)} s) vs no-wait ${noWaitBilled} min (${n} × ${Math.ceil(noWaitS / 60)} + ${follow.runs} follow-up run(s) = ${follow.billedMinutes}; ${Math.round(n * noWaitS + follow.seconds)} s) → ${ratio.toFixed(2)}`
    )
    detail[`E${minutes}-N${n}`] = {
      waitingBilledMinutes: waitBilled,
      waitingSeconds: n * waiting.seconds,
      waitingPolls: waiting.polls,
      noWaitBilledMinutes: noWaitBilled,
      noWaitSeconds: n * noWaitS + follow.seconds,
      followUpRuns: follow.runs,
      followUpRequests: follow.requests,
      ratio,
      goal
    }
    console.error(rows.at(-1))
  }
}
// A schedule runs whether anything is pending or not: its idle cost, per day.
const idleS = JOB_SETUP_S + DISCOVER_REQUESTS * REQUEST_S
const idlePerDay = ((24 * 60) / SCHEDULE_MIN) * Math.ceil(idleS / 60)
detail.idleFollowUpBilledMinutesPerDay = idlePerDay
rows.push(
  `idle schedule: ${idlePerDay} billed min/day (${(24 * 60) / SCHEDULE_MIN} runs of ${idleS.toFixed(1)} s)`
)
console.error(rows.at(-1))
emit({
  figure: 'runner minutes, wait: false + follow-up',
  result: rows.join('; '),
  target: 'billed minutes ≤ waiting jobs’ for N ≥ 10',
  pass: counts.every(n => n < 10 || (detail[`E2-N${n}`] as { ratio: number }).ratio <= 1),
  detail,
  command: 'npm exec -- node bench/runner-minutes.ts 1,10,50'
})
