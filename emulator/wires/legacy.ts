/** The legacy wire (SDK 0.2.0): competitions and "direct attache agents". */
import {
  RowSerializer,
  handleFilePut,
  listFiles,
  pageCompetitions,
  readFile,
  viewerId
} from './common.ts'
import { json, readJson } from '../plumbing/http.ts'
import type { RankedEntry } from '../platform/leaderboard.ts'
import { intParam, publicRoute, route, type Route, type WireApi } from '../plumbing/router.ts'
import {
  DeployRefused,
  iso,
  type Agent,
  type DeployRecord,
  type Limits,
  type World
} from '../platform/store.ts'
import type { RunView } from '../platform/timeline.ts'
import type { CompetitionConfig, Runtime } from '../platform/world.ts'
import { refuseLegacyCourseBoard } from '../courses/routes.ts'

function competition(comp: CompetitionConfig, world: World): Record<string, unknown> {
  const metric = comp.metrics.find(m => m.isRanking)
  return {
    id: comp.id,
    name: comp.name,
    description: comp.description,
    max_upload_size_bytes: comp.maxUploadSizeBytes,
    max_upload_files: comp.maxUploadFiles,
    is_public: comp.isPublic,
    status: comp.status,
    tags: comp.tags,
    engine: { name: comp.machineName, vm_health_ok: comp.vmHealthOk },
    is_elo: comp.ranking === 'elo',
    metric: metric?.name ?? null,
    metric_order: metric?.order ?? 'desc',
    frontend_precision: metric?.precision ?? 2,
    daily_deploy_limit: comp.dailyDeployLimit,
    max_active_agents: comp.maxActiveAgents,
    created_at: iso(world.startTime - 90 * 86_400_000)
  }
}

function runtime(r: Runtime): Record<string, unknown> {
  return {
    id: r.id,
    language: r.language,
    language_version: r.languageVersion,
    framework: r.framework,
    framework_version: r.frameworkVersion,
    requirement: r.requirement
  }
}

function lastDeploy(world: World, record: DeployRecord | null): Record<string, unknown> | null {
  if (!record) return null
  const outcome = world.deployOutcome(record, world.clock.now())
  return {
    id: record.plan.id,
    createdAt: iso(record.plan.createdAt),
    status: outcome.status,
    finishedAt: outcome.finishedAt === null ? null : iso(outcome.finishedAt),
    failureMessage: outcome.failureMessage
  }
}

/** Legacy quota keys are camelCase (undocumented in the SDK). */
function quota(world: World, limits: Limits, record: DeployRecord | null): Record<string, unknown> {
  return {
    dailyDeployLimit: limits.dailyLimit,
    dailyDeploysUsed: limits.dailyUsed,
    dailyDeploysRemaining: limits.dailyRemaining,
    nextDeployAvailableAt: limits.nextDeployAt === null ? null : iso(limits.nextDeployAt),
    canDeploy: limits.canDeploy,
    maxActiveAgents: limits.maxActive,
    activeAgentsCount: limits.activeCount,
    activeAgentsRemaining: limits.activeRemaining,
    lastDeploy: lastDeploy(world, record)
  }
}

function runResult(run: RunView): Record<string, unknown> {
  const plan = run.plan
  const lastGame = plan.games[plan.games.length - 1]
  const status =
    run.state === 'completed'
      ? 'done'
      : run.state === 'failed' || run.state === 'cancelled'
        ? 'error'
        : run.state
  const errorType =
    run.state === 'cancelled' ? 'simulation_error' : run.state === 'failed' ? plan.outcome : null
  return {
    status,
    steps_completed: run.stepsDone,
    current_reward: run.partialReward,
    game_outcome: run.state === 'completed' ? (lastGame?.outcome ?? null) : null,
    error_type: errorType,
    error_message: errorType ? plan.errorMessage : null
  }
}

/** A row's fields after `Rank` (see RowSerializer). */
function boardFields(
  comp: CompetitionConfig,
  row: RankedEntry,
  userId: number
): Record<string, unknown> {
  const e = row.entry
  const metric = comp.metrics.find(m => m.isRanking)
  const isElo = comp.ranking === 'elo'
  return {
    Username: e.username,
    TeamName: e.teamName,
    TeamId: e.teamId,
    AgentName: e.agentName,
    agentAttachId: e.agentId,
    IsMyAgent: e.ownerId === userId,
    MeanReward: isElo ? e.meanReward : e.score,
    EloScore: isElo ? e.elo : null,
    IsEloRanked: isElo,
    NEpisodes: e.episodes,
    NumberOfRuns: e.runs,
    RewardCi95: e.ci95,
    Metric: metric?.name ?? 'Mean reward',
    FrontendPrecision: metric?.precision ?? 2,
    CreatedAt: e.createdAtIso,
    LastEndRunTs: e.lastEndRunIso,
    AvatarKey: e.avatarKey
  }
}

function serializerFor(
  serializers: Map<number, RowSerializer>,
  comp: CompetitionConfig
): RowSerializer {
  let serializer = serializers.get(comp.id)
  if (!serializer) {
    serializer = new RowSerializer('Rank', (row, userId) => boardFields(comp, row, userId))
    serializers.set(comp.id, serializer)
  }
  return serializer
}

export function legacyRoutes(world: World): WireApi {
  const D = '/api/direct_attache_agents'
  const serializers = new Map<number, RowSerializer>()
  const warm = (cid: number, userId: number): void => {
    const comp = world.competitions.get(cid)
    if (comp)
      serializerFor(serializers, comp).fullArray(world.rankedBoard(comp, 'submission'), userId)
  }
  const agentIn = (ctx: Parameters<Route['handle']>[0], allowDeleted = false): Agent =>
    world.ownAgent(ctx.token, intParam(ctx, 'aid'), { cid: intParam(ctx, 'cid'), allowDeleted })

  const routes = [
    publicRoute('GET', '/api/competitions', ctx =>
      pageCompetitions(world, ctx, c => competition(c, world))
    ),
    publicRoute('GET', '/api/competitions/:cid', ctx =>
      json(200, competition(world.competition(ctx.viewer, intParam(ctx, 'cid')), world))
    ),
    route('GET', `${D}/runtime_options/:cid`, ctx =>
      json(
        200,
        world.runtimeOptions(world.competition(ctx.token, intParam(ctx, 'cid'))).map(runtime)
      )
    ),
    route('POST', `${D}/competition/:cid`, async ctx => {
      const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
      const agent = world.createAgent(
        ctx.token,
        intParam(ctx, 'cid'),
        body?.agent_name,
        body?.copy_from_agent_id
      )
      return json(201, {
        attache_agent_id: agent.id,
        agent_name: agent.name,
        competition_id: agent.competitionId,
        status: world.statusView(agent).status
      })
    }),
    route('GET', `${D}/agent_runtime/:aid`, ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'))
      const r = world.runtimeOf(agent)
      return json(200, {
        attache_agent_id: agent.id,
        docker_image_agent_runtime_id: agent.runtimeId,
        runtime: r ? runtime(r) : null
      })
    }),
    route('PUT', `${D}/agent_runtime/:aid`, async ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'))
      const r = world.pinRuntime(agent, await readJson(ctx.req))
      return json(200, {
        attache_agent_id: agent.id,
        docker_image_agent_runtime_id: r.id,
        message: 'Runtime updated'
      })
    }),
    route('PUT', `${D}/competition/:cid/:aid/file`, async ctx => {
      const agent = agentIn(ctx)
      const put = await handleFilePut(world, ctx, agent)
      return json(200, {
        status: world.statusView(agent).status,
        message: put.message,
        validation_message: put.validationMessage,
        ...(put.file ? { file: put.file } : {})
      })
    }),
    route('GET', `${D}/competition/:cid/:aid/file`, ctx => listFiles(world, agentIn(ctx))),
    route('GET', `${D}/competition/:cid/:aid/file/:filename/content`, ctx =>
      readFile(world, agentIn(ctx), ctx.params.filename ?? '')
    ),
    route('PUT', `${D}/competition/:cid/:aid/deploy`, ctx => {
      const agent = agentIn(ctx)
      try {
        const record = world.deploy(agent)
        return json(200, {
          message: 'Deployment started',
          status: 'deploying',
          deploy_id: record.plan.id
        })
      } catch (error) {
        if (!(error instanceof DeployRefused)) throw error
        return json(400, { error: error.message })
      }
    }),
    route('GET', `${D}/competition/:cid/:aid/deploy`, ctx => {
      const agent = agentIn(ctx)
      return json(200, quota(world, world.limits(agent), world.latestDeploy(agent)))
    }),
    route('GET', `${D}/competition/:cid/:aid/status`, ctx => {
      world.now()
      const agent = agentIn(ctx, true)
      const view = world.statusView(agent)
      return json(200, {
        status: view.status,
        last_status_message: view.message,
        queue_info: view.queue
          ? {
              position_in_queue: `${view.queue.position}/${view.queue.total}`,
              in_queue_for_second: view.queue.seconds
            }
          : null,
        run_info: { results: view.runs.map(runResult) }
      })
    }),
    route('GET', `${D}/agent/:aid/games`, ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'), { allowDeleted: true })
      const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
      const metric = comp.metrics.find(m => m.isRanking)
      return json(200, {
        games: world.games(agent).map(({ game, plan, signedUrl }) => ({
          id: game.id,
          attache_agent_id: agent.id,
          deploy_id: plan.id,
          reward: game.reward,
          env_nb_steps: game.steps,
          game_outcome: game.outcome,
          created_at: iso(game.createdAt),
          render_delay_second: game.hasLog ? 4 : null,
          signed_url: signedUrl
        })),
        competition_context: {
          competition_id: comp.id,
          metric: metric?.name ?? null,
          frontend_precision: metric?.precision ?? 2
        }
      })
    }),
    publicRoute('GET', '/api/leaderboard/competition/:cid', ctx => {
      refuseLegacyCourseBoard(ctx.url)
      const comp = world.competition(ctx.viewer, intParam(ctx, 'cid'))
      const serializer = serializerFor(serializers, comp)
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: serializer.fullArray(world.rankedBoard(comp, 'submission'), viewerId(ctx.viewer))
      }
    }),
    route('DELETE', `${D}/competition/:cid/:aid`, ctx => {
      const agent = agentIn(ctx)
      world.deleteAgent(agent)
      return json(200, { message: `Agent ${agent.id} deleted` })
    })
  ]
  return { routes, warm }
}
