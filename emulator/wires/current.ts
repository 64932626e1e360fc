/** The current wire (SDK 2.x–4.3): challenges and submissions. */
import {
  RowSerializer,
  handleFilePut,
  listFiles,
  pageCompetitions,
  parseBoardQuery,
  readFile,
  viewerId
} from './common.ts'
import { ApiError, json, readJson, type Reply } from '../plumbing/http.ts'
import { meView, searchBoard, type RankedEntry } from '../platform/leaderboard.ts'
import {
  intParam,
  publicRoute,
  route,
  type PublicContext,
  type Route,
  type WireApi
} from '../plumbing/router.ts'
import {
  DeployRefused,
  iso,
  type Agent,
  type DeployRecord,
  type Limits,
  type StatusView,
  type World
} from '../platform/store.ts'
import type { RunView } from '../platform/timeline.ts'
import type { CompetitionConfig, Runtime, TokenRecord } from '../platform/world.ts'
import type { CourseBoard, CourseBook } from '../courses/store.ts'

function challenge(comp: CompetitionConfig, world: World): Record<string, unknown> {
  return {
    id: comp.id,
    challenge_id: comp.id,
    name: comp.name,
    description: comp.description,
    kind_label: comp.kindLabel,
    submission_layout: comp.submissionLayout && {
      columns: comp.submissionLayout.columns,
      separator: comp.submissionLayout.separator,
      id_column: comp.submissionLayout.idColumn,
      target_column: comp.submissionLayout.targetColumn,
      row_count: comp.submissionLayout.rowCount
    },
    submission_filename: comp.submissionFilename,
    max_upload_size_bytes: comp.maxUploadSizeBytes,
    max_upload_files: comp.maxUploadFiles,
    is_public: comp.isPublic,
    status: comp.status,
    tags: comp.tags,
    machine: { name: comp.machineName, vm_health_ok: comp.vmHealthOk, has_gpu: comp.hasGpu },
    metrics: metricDeclarations(comp),
    daily_deploy_limit: comp.dailyDeployLimit,
    max_active_submissions: comp.maxActiveAgents,
    window_days: comp.windowDays,
    created_at_ts: iso(world.startTime - 90 * 86_400_000)
  }
}

/**
 * A row of the challenge list: the detail plus what SDK 4.4.0 documents for list rows, `my_rank`
 * (the caller's participant rank on the default board; null when anonymous or not on it) and
 * `course` (always null on these rows).
 */
function listRow(
  world: World,
  comp: CompetitionConfig,
  viewer: TokenRecord | null
): Record<string, unknown> {
  const rank =
    viewer === null ? null : meView(world.rankedBoard(comp, 'user').rows, viewer.user.id, 0).rank
  return { ...challenge(comp, world), my_rank: rank, course: null }
}

function metricDeclarations(comp: CompetitionConfig): unknown[] {
  return comp.metrics.map(m => ({
    key: m.key,
    name: m.name,
    is_ranking: m.isRanking,
    order: m.order,
    precision: m.precision
  }))
}

function runtime(r: Runtime): Record<string, unknown> {
  return {
    id: r.id,
    language: r.language,
    language_version: r.languageVersion,
    framework: r.framework,
    framework_version: r.frameworkVersion,
    requirement: r.requirement,
    display_name: r.displayName,
    packages: r.packages
  }
}

function deploymentLimits(limits: Limits): Record<string, unknown> {
  return {
    daily_deploy_limit: limits.dailyLimit,
    daily_deploys_used: limits.dailyUsed,
    daily_deploys_remaining: limits.dailyRemaining,
    next_deploy_available_at: limits.nextDeployAt === null ? null : iso(limits.nextDeployAt),
    can_deploy: limits.canDeploy
  }
}

function activeLimits(limits: Limits): Record<string, unknown> {
  return {
    max_active_submissions: limits.maxActive,
    active_submissions_count: limits.activeCount,
    active_submissions_remaining: limits.activeRemaining
  }
}

/** SDK 4.4.0: the block has its keys in every state, all null before the first deploy. */
function latestDeploy(world: World, record: DeployRecord | null): Record<string, unknown> {
  if (!record)
    return {
      id: null,
      created_at_ts: null,
      status: null,
      finished_at_ts: null,
      failure_message: null
    }
  const outcome = world.deployOutcome(record, world.clock.now())
  return {
    id: record.plan.id,
    created_at_ts: iso(record.plan.createdAt),
    status: outcome.status,
    finished_at_ts: outcome.finishedAt === null ? null : iso(outcome.finishedAt),
    failure_message: outcome.failureMessage
  }
}

function runResult(world: World, agent: Agent, comp: CompetitionConfig, run: RunView): unknown {
  const plan = run.plan
  const done = run.state === 'completed' || run.state === 'failed'
  const failed = run.state === 'failed'
  const lastGame = plan.games[plan.games.length - 1]
  const own = {
    submission_id: agent.id,
    score: run.state === 'completed' ? plan.reward : null,
    agent_nb_steps: run.stepsDone,
    game_outcome: done ? (lastGame?.outcome ?? null) : null,
    final_rank: done ? (lastGame?.finalRank ?? null) : null,
    agent_error_type: failed ? plan.outcome : null,
    agent_error_message: failed ? plan.errorMessage : null
  }
  const results: unknown[] = [own]
  if (comp.ranking === 'elo') {
    // Two-player games: the opponent's row comes first; a client must pick its own by id.
    results.unshift({
      submission_id: comp.id * 1_000_000 + 1 + plan.index,
      score: run.state === 'completed' && plan.reward !== null ? -plan.reward : null,
      agent_nb_steps: run.stepsDone,
      game_outcome: null,
      final_rank: done && lastGame?.finalRank ? 3 - lastGame.finalRank : null,
      agent_error_type: null,
      agent_error_message: null
    })
  }
  return {
    job_status: run.state,
    // A cancelled run (simulator down) is the platform's failure, not the agent's.
    job_error_type: failed ? plan.outcome : run.state === 'cancelled' ? 'simulation_error' : null,
    env_nb_steps: run.stepsDone,
    submission_results: results
  }
}

function statusPayload(world: World, agent: Agent, view: StatusView): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const metric = comp.metrics.find(m => m.isRanking)
  return {
    submission_id: agent.id,
    submission_name: agent.name,
    status: view.status,
    phase: view.phase,
    is_settled: view.isSettled,
    is_deployable: view.isDeployable,
    status_update_ts: iso(view.since),
    last_status_message: view.message,
    // SDK 4.4.0: the same keys in every state, all null when nothing is queued.
    queue_info: {
      queue_position: view.queue?.position ?? null,
      queue_total: view.queue?.total ?? null,
      in_queue_for_second: view.queue?.seconds ?? null
    },
    latest_deploy: latestDeploy(world, view.latest),
    run_info: {
      metric: metric?.name ?? null,
      frontend_precision: metric?.precision ?? 2,
      results: view.runs.map(run => runResult(world, agent, comp, run))
    }
  }
}

/** A row's fields after `rank` (see RowSerializer). */
function boardFields(
  comp: CompetitionConfig,
  row: RankedEntry,
  userId: number
): Record<string, unknown> {
  const e = row.entry
  const metrics: Record<string, number | null> =
    comp.ranking === 'elo'
      ? { elo: e.score, mean_reward: e.meanReward }
      : { [comp.metrics[0]?.key ?? 'mean_reward']: e.score }
  return {
    username: e.username,
    avatar_key: e.avatarKey,
    submission_id: e.agentId,
    submission_name: e.agentName,
    score: e.score,
    score_ci95: e.ci95,
    n_episodes_total: e.episodes,
    elo_variance: e.eloVariance,
    number_of_runs: e.runs,
    created_at_ts: e.createdAtIso,
    last_end_run_ts: e.lastEndRunIso,
    is_my_submission: e.ownerId === userId,
    team_id: e.teamId,
    team_name: e.teamName,
    team_members: e.teamMembers,
    metrics,
    is_public: e.isPublic
  }
}

function submissionSummary(world: World, agent: Agent): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const view = world.statusView(agent)
  const row = world.board(comp, 'submission').find(r => r.entry.agentId === agent.id)
  return {
    id: agent.id,
    submission_id: agent.id,
    submission_name: agent.name,
    challenge_id: comp.id,
    challenge_name: comp.name,
    status: view.status,
    is_settled: view.isSettled,
    rank: row?.rank ?? null,
    score: row?.entry.score ?? null,
    file_count: agent.files.size,
    created_at_ts: iso(agent.createdAt),
    status_update_ts: iso(view.since)
  }
}

/** Course board rows: the usual fields plus `passed` when the course sets a bar. */
function courseSerializer(comp: CompetitionConfig, course: CourseBoard): RowSerializer {
  return new RowSerializer('rank', (row, userId) => {
    const passed = course.passed(row)
    return { ...boardFields(comp, row, userId), ...(passed === undefined ? {} : { passed }) }
  })
}

function courseContext(course: CourseBoard): Record<string, unknown> {
  return {
    course_id: course.course.id,
    course_name: course.course.name,
    challenge_id: course.link.challengeId,
    pass_threshold: course.link.passThreshold,
    enrolled_count: course.enrolledCount
  }
}

function serializerFor(
  serializers: Map<number, RowSerializer>,
  comp: CompetitionConfig
): RowSerializer {
  let serializer = serializers.get(comp.id)
  if (!serializer) {
    serializer = new RowSerializer('rank', (row, userId) => boardFields(comp, row, userId))
    serializers.set(comp.id, serializer)
  }
  return serializer
}

export function currentRoutes(world: World, courses: CourseBook): WireApi {
  const S = '/api/submissions'
  const serializers = new Map<number, RowSerializer>()
  const warm = (cid: number, userId: number): void => {
    const comp = world.competitions.get(cid)
    if (comp) serializerFor(serializers, comp).fullArray(world.rankedBoard(comp, 'user'), userId)
  }
  const agentIn = (ctx: Parameters<Route['handle']>[0], allowDeleted = false): Agent =>
    world.ownAgent(ctx.token, intParam(ctx, 'aid'), { cid: intParam(ctx, 'cid'), allowDeleted })

  const routes = [
    publicRoute('GET', '/api/challenges', ctx =>
      pageCompetitions(world, ctx, c => listRow(world, c, ctx.viewer))
    ),
    publicRoute('GET', '/api/challenges/:cid', ctx =>
      json(200, challenge(world.competition(ctx.viewer, intParam(ctx, 'cid')), world))
    ),
    route('GET', `${S}/runtime_options/:cid`, ctx =>
      json(
        200,
        world.runtimeOptions(world.competition(ctx.token, intParam(ctx, 'cid'))).map(runtime)
      )
    ),
    route('GET', `${S}/mine`, ctx => {
      world.now()
      const agents = world.mine(ctx.token)
      const limits: Record<string, unknown> = {}
      for (const agent of agents)
        limits[String(agent.competitionId)] ??= deploymentLimits(world.limits(agent))
      return json(200, {
        submissions: agents.map(a => submissionSummary(world, a)),
        deployment_limits: limits
      })
    }),
    route('POST', `${S}/challenge/:cid`, async ctx => {
      const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
      const agent = world.createAgent(
        ctx.token,
        intParam(ctx, 'cid'),
        body?.submission_name,
        body?.copy_from_submission_id
      )
      return json(201, {
        submission_id: agent.id,
        submission_name: agent.name,
        challenge_id: agent.competitionId,
        status: world.statusView(agent).status
      })
    }),
    route('GET', `${S}/agent_runtime/:aid`, ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'))
      const r = world.runtimeOf(agent)
      return json(200, {
        submission_id: agent.id,
        docker_image_agent_runtime_id: agent.runtimeId,
        runtime: r ? runtime(r) : null
      })
    }),
    route('PUT', `${S}/agent_runtime/:aid`, async ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'))
      const r = world.pinRuntime(agent, await readJson(ctx.req))
      return json(200, {
        submission_id: agent.id,
        docker_image_agent_runtime_id: r.id,
        runtime: runtime(r),
        message: `Runtime pinned: ${r.displayName}`
      })
    }),
    route('PUT', `${S}/challenge/:cid/:aid/file`, ctx => handleFilePut(world, ctx, agentIn(ctx))),
    route('GET', `${S}/challenge/:cid/:aid/file`, ctx => listFiles(world, agentIn(ctx))),
    route('GET', `${S}/challenge/:cid/:aid/file/:filename/content`, ctx =>
      readFile(world, agentIn(ctx), ctx.params.filename ?? '')
    ),
    route('PUT', `${S}/challenge/:cid/:aid/deploy`, ctx => {
      const agent = agentIn(ctx)
      try {
        const record = world.deploy(agent)
        return json(202, {
          message: `Deployment ${record.plan.id} queued`,
          deployment_id: record.plan.id,
          deploy_id: record.plan.id,
          submission_id: agent.id
        })
      } catch (error) {
        if (!(error instanceof DeployRefused)) throw error
        return json(409, {
          error: error.message,
          deployment_limits: deploymentLimits(error.limits),
          active_submission_limits: activeLimits(error.limits),
          latest_deploy: latestDeploy(world, error.latest)
        })
      }
    }),
    route('GET', `${S}/challenge/:cid/:aid/deploy`, ctx => {
      const agent = agentIn(ctx)
      const limits = world.limits(agent)
      return json(200, {
        deployment_limits: deploymentLimits(limits),
        active_submission_limits: activeLimits(limits),
        latest_deploy: latestDeploy(world, world.latestDeploy(agent))
      })
    }),
    route('GET', `${S}/challenge/:cid/:aid/status`, ctx => {
      world.now()
      const agent = agentIn(ctx, true)
      return json(200, statusPayload(world, agent, world.statusView(agent)))
    }),
    route('GET', `${S}/submission/:aid/games`, ctx => {
      const agent = world.ownAgent(ctx.token, intParam(ctx, 'aid'), { allowDeleted: true })
      const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
      const metric = comp.metrics.find(m => m.isRanking)
      return json(200, {
        games: world.games(agent).map(({ game, plan, signedUrl }) => ({
          id: game.id,
          submission_id: agent.id,
          deploy_id: plan.id,
          run_index: game.runIndex,
          score: game.reward,
          env_nb_steps: game.steps,
          game_outcome: game.outcome,
          final_rank: game.finalRank,
          metrics: game.reward === null ? {} : { [metric?.key ?? 'mean_reward']: game.reward },
          created_at: iso(game.createdAt),
          render_delay_second: game.hasLog ? 4 : null,
          signed_url: signedUrl
        })),
        competition_context: {
          challenge_id: comp.id,
          metric: metric?.name ?? null,
          frontend_precision: metric?.precision ?? 2
        }
      })
    }),
    publicRoute('GET', '/api/leaderboard/challenge/:cid', ctx =>
      leaderboard(world, serializers, ctx, courses)
    ),
    route('DELETE', `${S}/challenge/:cid/:aid`, ctx => {
      const agent = agentIn(ctx)
      world.deleteAgent(agent)
      return json(200, { message: `Submission ${agent.id} deleted`, submission_id: agent.id })
    })
  ]
  return { routes, warm }
}

function leaderboard(
  world: World,
  serializers: Map<number, RowSerializer>,
  ctx: PublicContext,
  courses: CourseBook
): Reply {
  const comp = world.competition(ctx.viewer, intParam(ctx, 'cid'))
  const query = parseBoardQuery(ctx.url)
  const courseRaw = ctx.url.searchParams.get('course_id')
  if (courseRaw !== null && !/^\d+$/.test(courseRaw))
    throw new ApiError(400, 'Query parameter course_id must be an integer')
  const course =
    courseRaw === null ? null : courses.board(ctx.viewer, comp, Number(courseRaw), query.aggregate)
  const rows = course ? courseSerializer(comp, course) : serializerFor(serializers, comp)
  const board = course ?? world.rankedBoard(comp, query.aggregate)
  const userId = viewerId(ctx.viewer)
  const whole = query.offset === 0 && (query.limit === null || query.limit >= board.rows.length)
  const leaders = whole
    ? rows.fullArray(board, userId)
    : Buffer.from(
        rows.array(
          board.rows.slice(
            query.offset,
            query.limit === null ? undefined : query.offset + query.limit
          ),
          userId
        )
      )
  let me = 'null'
  if (query.me) {
    const view = meView(board.rows, userId, query.window)
    me = `{"rank":${view.rank},"position":${view.position},"percentile":${view.percentile},"row":${
      view.row ? rows.row(view.row, userId) : 'null'
    },"neighbours":${rows.array(view.neighbours, userId)}}`
  }
  const matches = query.q === null ? 'null' : rows.array(searchBoard(board.rows, query.q), userId)
  const head = JSON.stringify({
    challenge: {
      challenge_id: comp.id,
      metrics: metricDeclarations(comp),
      window_days: comp.windowDays,
      has_gpu: comp.hasGpu
    },
    total: board.rows.length
  }).slice(0, -1)
  const tail = `,"me":${me},"matches":${matches},"course_context":${JSON.stringify(
    course ? courseContext(course) : { course_id: null }
  )}}`
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: [Buffer.from(`${head},"leaders":`), leaders, Buffer.from(tail)]
  }
}
