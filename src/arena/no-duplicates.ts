/**
 * Creating an agent and deploying one are not idempotent: repeating them blindly after a failure
 * may create a second agent or spend a second deploy. The rules:
 *
 * 1. The transport retries create and deploy only when the request surely did nothing: a 429 or
 *    503 refusal, or a connection error before any byte was sent.
 * 2. Any other failure after sending (500/502/504, reset, timeout, an unreadable answer) leaves
 *    the outcome unknown (`ArenaError.outcomeUnknown`). Then the server's state decides:
 *
 *    Create (current wire): list the caller's agents (`mine`); the newest agent of that
 *    competition with the same name, in state `created` and with no files, is adopted (it is
 *    the one just created, or an empty leftover of the same name: reusing it is harmless);
 *    otherwise create again. Legacy wire: there is no list, so fail with an 'ambiguous' error
 *    that says what to check.
 *
 *    Deploy: the deploy quota is read before deploying (or the one read earlier is passed in).
 *    After an ambiguous failure the deploy happened when `latest_deploy.id` changed or
 *    `daily_deploys_used` grew, or when the status shows a deploy that was not there before
 *    (deploying / deploy_queue / deploy_run, or active / deploy_failed reached from another
 *    state). With no evidence, the status is read again a few times (right after a deploy it can
 *    still read `upload_validated` during the server's grace period) before deploying again. A
 *    deploy client timeout is such an ambiguous failure: the status is read, it is not a failure.
 *    When the quota says nothing (legacy servers may not send it), the status before the deploy
 *    is read as the baseline.
 * 3. A repeated create or deploy counts against the same attempt limit as the transport's
 *    retries; when it runs out, the error is 'ambiguous' and says what to check.
 */
import { ArenaError } from './errors.js'
import type { ArenaLogger } from './http.js'
import type { AgentFile, AgentStatus, CreatedAgent, DeployQuota, MyAgent } from './model.js'

/**
 * The one recovery loop every non-idempotent write uses (agent create here; challenge create,
 * benchmark run and start in creator.ts): write; on a failure whose outcome is unknown, read the
 * server's state (`observe`) and adopt what the write did; write again only when nothing shows
 * it happened, within `attempts`. A clear refusal right after an ambiguous attempt may be the
 * first attempt's own echo ("already running", "already started"): the state decides then too.
 */
export interface RecoveryPorts<T> {
  write(): Promise<T>
  /** What the server's state shows the write did (the value to adopt); null: nothing. */
  observe(): Promise<T | null>
  logger: ArenaLogger
  /** e.g. `the challenge creation`, in messages. */
  what: string
  /** What the user should check on ML Arena when the state cannot settle it. */
  check: string
  attempts: number
  /** Log line when the state shows the write happened (default: a generic one). */
  adoptedLine?: (value: T) => string
}

export interface Recovered<T> {
  value: T
  /** The write failed ambiguously and the server's state showed it had been carried out. */
  adopted: boolean
}

export async function writeWithoutDuplicates<T>(ports: RecoveryPorts<T>): Promise<Recovered<T>> {
  let ambiguousBefore: ArenaError | null = null
  for (let attempt = 1; ; attempt++) {
    let failure: ArenaError
    try {
      return { value: await ports.write(), adopted: false }
    } catch (error) {
      if (!(error instanceof ArenaError)) throw error
      if (!error.outcomeUnknown) {
        if (ambiguousBefore) {
          const seen = await observeOrFail(ports, ambiguousBefore)
          if (seen !== null) return adopt(ports, seen)
        }
        throw error
      }
      failure = error
    }
    ambiguousBefore = failure
    ports.logger.warning(
      `${failure.message}; checking whether ${ports.what} happened before trying again.`
    )
    const seen = await observeOrFail(ports, failure)
    if (seen !== null) return adopt(ports, seen)
    if (attempt >= ports.attempts) {
      throw ambiguous(
        failure.route,
        `${capitalised(ports.what)} kept failing without a clear answer (${failure.message}; ${attempt} attempts) and nothing shows it happened: ${ports.check}`
      )
    }
    ports.logger.info(`Nothing shows ${ports.what} happened: trying again.`)
  }
}

async function observeOrFail<T>(ports: RecoveryPorts<T>, failure: ArenaError): Promise<T | null> {
  try {
    return await ports.observe()
  } catch (error) {
    if (error instanceof ArenaError && error.kind === 'ambiguous')
      throw ambiguous(error.route || failure.route, error.message)
    throw ambiguous(
      failure.route,
      `${capitalised(ports.what)} failed without a clear answer (${failure.message}) and reading the state failed too (${error instanceof Error ? error.message : String(error)}): ${ports.check}`
    )
  }
}

function adopt<T>(ports: RecoveryPorts<T>, value: T): Recovered<T> {
  ports.logger.info(
    ports.adoptedLine?.(value) ?? `ML Arena: ${ports.what} went through despite the failed answer.`
  )
  return { value, adopted: true }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface CreatePorts {
  create(): Promise<CreatedAgent>
  /** The caller's agents; null when the wire cannot list them (legacy). */
  mine(): Promise<MyAgent[] | null>
  listFiles(agentId: number): Promise<AgentFile[]>
  logger: ArenaLogger
}

export interface CreateResult extends CreatedAgent {
  /** The create failed ambiguously and the agent it had made was found and adopted. */
  adopted: boolean
}

export async function createWithoutDuplicates(
  ports: CreatePorts,
  competitionId: number,
  name: string,
  attempts: number
): Promise<CreateResult> {
  const check = `check competition ${competitionId} on ML Arena for an agent named "${name}" before running again`
  let lastFailure = ''
  const result = await writeWithoutDuplicates<CreatedAgent>({
    write: async () => {
      try {
        return await ports.create()
      } catch (error) {
        if (error instanceof ArenaError) lastFailure = error.message
        throw error
      }
    },
    observe: async () => {
      let mine: MyAgent[] | null
      let orphan: MyAgent | null = null
      try {
        mine = await ports.mine()
        if (mine !== null) {
          const candidate = newestEmptyCandidate(mine, competitionId, name)
          if (candidate && (await ports.listFiles(candidate.id)).length === 0) orphan = candidate
        }
      } catch (error) {
        throw ambiguous(
          '',
          `The agent creation failed without a clear answer (${lastFailure}) and checking your agents failed too (${error instanceof Error ? error.message : String(error)}): ${check}`
        )
      }
      if (mine === null) {
        throw ambiguous(
          '',
          `The agent creation failed without a clear answer (${lastFailure}), and this ML Arena server cannot list your agents: check competition ${competitionId} on ML Arena for an agent named "${name}"; reuse its id or delete it, then run again`
        )
      }
      return orphan ? { id: orphan.id, name: orphan.name || name } : null
    },
    logger: ports.logger,
    what: 'the agent creation',
    check,
    attempts,
    adoptedLine: agent =>
      `Agent ${agent.id} ("${name}") was created despite the failed answer: adopting it.`
  })
  return { ...result.value, adopted: result.adopted }
}

/** The newest agent of the competition with that name still in state `created`. */
export function newestEmptyCandidate(
  mine: MyAgent[],
  competitionId: number,
  name: string
): MyAgent | null {
  let best: MyAgent | null = null
  for (const agent of mine) {
    if (agent.competitionId !== competitionId || agent.name !== name || agent.state !== 'created')
      continue
    if (!best || agent.id > best.id) best = agent
  }
  return best
}

export interface DeployPorts {
  /** The deploy request; resolves to the server's message. */
  deploy(): Promise<string | null>
  quota(): Promise<DeployQuota>
  status(): Promise<AgentStatus>
  sleep(ms: number): Promise<void>
  logger: ArenaLogger
}

export interface DeployPlan {
  /** The quota read before (by the caller); undefined/null: read it now. */
  quotaBefore?: DeployQuota | null
  attempts: number
  /** Status re-reads before deploying again when nothing shows the deploy happened. */
  rechecks: number
  recheckDelayMs: number
}

export interface DeployResult {
  message: string | null
  /** The deploy failed ambiguously and the server's state showed it had happened. */
  adopted: boolean
}

export interface DeployBaseline {
  quota: DeployQuota | null
  status: AgentStatus | null
}

const IN_PROGRESS: ReadonlySet<string> = new Set(['deploying', 'deploy_queue', 'deploy_run'])
const DEPLOYED: ReadonlySet<string> = new Set([...IN_PROGRESS, 'active', 'deploy_failed'])

export function quotaInformative(quota: DeployQuota | null): boolean {
  return quota !== null && (quota.latestDeploy?.id != null || quota.dailyUsed !== null)
}

/** What shows that a deploy happened since `before`; null when nothing does. */
export function deployEvidence(
  before: DeployBaseline,
  quota: DeployQuota | null,
  status: AgentStatus | null
): string | null {
  if (quota && before.quota) {
    const was = before.quota.latestDeploy?.id ?? null
    const now = quota.latestDeploy?.id ?? null
    if (now !== null && now !== was)
      return `deploy ${now} is recorded (${quota.latestDeploy?.status ?? 'no status yet'})`
    const usedBefore = before.quota.dailyUsed
    if (usedBefore !== null && quota.dailyUsed !== null && quota.dailyUsed > usedBefore) {
      return `deploys used today went from ${usedBefore} to ${quota.dailyUsed}`
    }
  }
  if (status && DEPLOYED.has(status.state)) {
    const was = before.status?.state ?? null
    if (IN_PROGRESS.has(status.state) && (was === null || !IN_PROGRESS.has(was)))
      return `the status is ${status.state}`
    if (was !== null && was !== status.state)
      return `the status went from ${was} to ${status.state}`
  }
  return null
}

export async function deployWithoutDuplicates(
  ports: DeployPorts,
  plan: DeployPlan
): Promise<DeployResult> {
  const before: DeployBaseline = { quota: plan.quotaBefore ?? null, status: null }
  if (!before.quota) before.quota = await ports.quota().catch(() => null)
  if (!quotaInformative(before.quota)) before.status = await ports.status().catch(() => null)

  let ambiguousBefore: ArenaError | null = null
  for (let attempt = 1; ; attempt++) {
    let failure: ArenaError
    try {
      return { message: await ports.deploy(), adopted: false }
    } catch (error) {
      if (!(error instanceof ArenaError)) throw error
      if (!error.outcomeUnknown) {
        // A clear refusal after an earlier ambiguous attempt ("already deploying"): the earlier
        // one may have gone through after all.
        if (ambiguousBefore) {
          const evidence = await observe(ports, before, ambiguousBefore)
          if (evidence) return adopted(ports, evidence)
        }
        throw error
      }
      failure = error
    }
    ambiguousBefore = failure
    ports.logger.warning(
      `${failure.message}; checking whether the deploy happened before trying again.`
    )
    for (let check = 0; check <= plan.rechecks; check++) {
      if (check > 0) await ports.sleep(plan.recheckDelayMs)
      const evidence = await observe(ports, before, failure)
      if (evidence) return adopted(ports, evidence)
    }
    if (attempt >= plan.attempts) {
      throw ambiguous(
        failure.route,
        `The deploy kept failing without a clear answer (${failure.message}; ${attempt} attempts) and nothing shows it happened: check the agent's status on ML Arena before deploying again`
      )
    }
    ports.logger.info('Nothing shows the deploy happened: deploying again.')
  }
}

function adopted(ports: DeployPorts, evidence: string): DeployResult {
  const message = `the deploy went through despite the failed answer: ${evidence}`
  ports.logger.info(`ML Arena: ${message}.`)
  return { message, adopted: true }
}

async function observe(
  ports: DeployPorts,
  before: DeployBaseline,
  failure: ArenaError
): Promise<string | null> {
  try {
    const quota = quotaInformative(before.quota) ? await ports.quota() : null
    const fromQuota = deployEvidence(before, quota, null)
    if (fromQuota) return fromQuota
    return deployEvidence(before, null, await ports.status())
  } catch (error) {
    throw ambiguous(
      failure.route,
      `The deploy failed without a clear answer (${failure.message}) and reading the agent's state failed too (${error instanceof Error ? error.message : String(error)}): check the agent's status on ML Arena before deploying again`
    )
  }
}

function ambiguous(route: string, message: string): ArenaError {
  return new ArenaError(message, { kind: 'ambiguous', route })
}
