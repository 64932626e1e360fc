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
import type { CompetitionConfig, Runtime, TokenRecord } from '../platform/world.ts'
import { metricDeclarations } from './metric-spec.ts'
import { gameRow, numberOfAgents, runResult, runsContext } from './runs.ts'
import type { CourseBoard, CourseBook } from '../courses/store.ts'

/** A code challenge runs on `flex_v1`, a file challenge on `file_v1` (`upload_submission_file`). */
function kernelVersion(comp: CompetitionConfig): string {
  return comp.submissionFilename === null ? 'flex_v1' : 'file_v1'
}

/**
 * Where the challenge runs (`challenge` docstring): `{id, name, runtime, vm_health_ok,
 * vm_health_checked_at_ts}`, the health keys set only on a `vm` machine. The emulator's GPU
 * machines and the machine that is down are VMs; the rest are Kubernetes pools.
 */
function machine(comp: CompetitionConfig, world: World): Record<string, unknown> {
  const vm = comp.hasGpu || !comp.vmHealthOk
  return {
    id: comp.id * 10,
    name: comp.machineName,
    runtime: vm ? 'vm' : 'k8s',
    vm_health_ok: vm ? comp.vmHealthOk : null,
    vm_health_checked_at_ts: vm ? iso(world.clock.now() - 30_000) : null
  }
}

/** `GET /challenges/{id}`: the keys the `challenge` docstring and README 4.1.0 name. */
function challenge(comp: CompetitionConfig, world: World): Record<string, unknown> {
  const code = comp.submissionFilename === null
  return {
    id: comp.id,
    name: comp.name,
    description: comp.description,
    status: comp.status,
    miniature: null,
    kernel_version: kernelVersion(comp),
    kind_label: comp.kindLabel,
    agent_template: code
      ? 'class Agent:\n    def act(self, observation):\n        return 0\n'
      : null,
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
    machine: machine(comp, world),
    number_of_agents: numberOfAgents(comp),
    agent_cpu_limit: code ? '1' : null,
    agent_memory_limit: code ? '2Gi' : null,
    gpu_memory_limit: comp.hasGpu ? '8Gi' : null,
    has_gpu: comp.hasGpu
  }
}

/**
 * A row of the challenge list (`challenges` docstring): `id`, `name`, `description`,
 * `miniature`, `status`, `is_award_points`, `number_of_agents`, `tags`, `statistics`,
 * `kernel_version`, `kind_label`, `my_rank` (the caller's participant rank on the default
 * board; null when anonymous or not on it) and `course` (always null on these rows).
 */
function listRow(
  world: World,
  comp: CompetitionConfig,
  viewer: TokenRecord | null
): Record<string, unknown> {
  const rank =
    viewer === null ? null : meView(world.rankedBoard(comp, 'user').rows, viewer.user.id, 0).rank
  return {
    id: comp.id,
    name: comp.name,
    description: comp.description,
    miniature: null,
    status: comp.status,
    is_award_points: comp.isPublic,
    number_of_agents: numberOfAgents(comp),
    tags: comp.tags,
    // No SDK names the keys inside `statistics`: the emulator serves none.
    statistics: {},
    kernel_version: kernelVersion(comp),
    kind_label: comp.kindLabel,
    my_rank: rank,
    course: null
  }
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

/**
 * Who a failed attempt's verdict blames (`submission_deploy_status` docstring): the agent's own
 * errors → `participant`, the env's crash → `challenge`, runs the runners lost → `platform`.
 */
function failureOwner(record: DeployRecord): string {
  const outcomes = record.plan.runs.map(r => r.outcome)
  if (outcomes.some(o => o === 'code_error' || o === 'timeout' || o === 'oom_killed'))
    return 'participant'
  if (outcomes.some(o => o === 'crash')) return 'challenge'
  return 'platform'
}

/** SDK 4.4.0: the block has its keys in every state, all null before the first deploy. */
function latestDeploy(world: World, record: DeployRecord | null): Record<string, unknown> {
  if (!record)
    return {
      id: null,
      created_at_ts: null,
      status: null,
      finished_at_ts: null,
      failure_message: null,
      failure_owner: null
    }
  const outcome = world.deployOutcome(record, world.clock.now())
  return {
    id: record.plan.id,
    created_at_ts: iso(record.plan.createdAt),
    status: outcome.status,
    finished_at_ts: outcome.finishedAt === null ? null : iso(outcome.finishedAt),
    failure_message: outcome.failureMessage,
    failure_owner: outcome.status === 'failed' ? failureOwner(record) : null
  }
}

/**
 * The status block every submission reply carries (README "Submission status block"; the
 * `submission_status` docstring).
 */
export function statusBlock(view: StatusView, agent: Agent): Record<string, unknown> {
  return {
    status: view.status,
    phase: view.phase,
    last_status_message: view.message,
    status_update_ts: iso(view.since),
    // Files may be changed in every state but deleted (a change cancels a deploy in progress).
    is_uploadable: !agent.deleted,
    is_deployable: view.isDeployable,
    is_settled: view.isSettled
  }
}

function statusPayload(world: World, agent: Agent, view: StatusView): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const latest = world.latestDeploy(agent)
  return {
    id: agent.id,
    challenge_id: comp.id,
    submission_name: agent.name,
    user_id: agent.owner.id,
    created_at_ts: iso(agent.createdAt),
    is_public: true,
    is_owner: true,
    ...statusBlock(view, agent),
    // SDK 4.4.0: the same keys in every state, all null when nothing is queued.
    queue_info: {
      queue_position: view.queue?.position ?? null,
      queue_total: view.queue?.total ?? null,
      created_at_ts: view.queue && latest ? iso(latest.plan.createdAt) : null,
      in_queue_for_second: view.queue?.seconds ?? null
    },
    latest_deploy: latestDeploy(world, latest),
    run_info: {
      submission_deploy_id: latest?.plan.id ?? null,
      number_of_agents: numberOfAgents(comp),
      has_gpu: comp.hasGpu,
      metrics: latest ? metricDeclarations(comp) : null,
      results: latest
        ? world.latestRuns(agent).map(run => runResult(world, agent, latest, run))
        : []
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
    // The platform maxima (README 3.0.0: "now filled for every challenge"); emulated figures.
    action_time_max_sec: Math.round(((e.agentId % 7) + 1) * 12.5) / 1000,
    agent_metric_total_ram_max_bytes: 200 * 1024 * 1024 + (e.agentId % 13) * 1024 * 1024,
    agent_metric_vram_max_bytes: comp.hasGpu
      ? 1024 * 1024 * 1024 + (e.agentId % 5) * 1024 * 1024
      : null,
    metrics,
    // README "Leaderboard": with window_days set, the same fold over the window (every seeded
    // run falls inside it, so the values are the board's).
    metrics_window: metrics,
    is_public: e.isPublic
  }
}

/** A `my_submissions()` row (its docstring lists every key). */
function submissionSummary(world: World, agent: Agent): Record<string, unknown> {
  const comp = world.competitions.get(agent.competitionId) as CompetitionConfig
  const view = world.statusView(agent)
  const row = world.board(comp, 'user').find(r => r.entry.agentId === agent.id)
  return {
    id: agent.id,
    submission_name: agent.name,
    challenge_id: comp.id,
    challenge_name: comp.name,
    rank: row?.rank ?? null,
    created_at_ts: iso(agent.createdAt),
    challenge_start_date_ts: iso(world.startTime - 90 * 86_400_000),
    last_end_run_ts: agent.lastSuccess ? iso(agent.lastSuccess.endsAt) : null,
    ...statusBlock(view, agent)
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
  // README 3.0.0: `course_context` is `{course_id, pass_threshold}`.
  return { course_id: course.course.id, pass_threshold: course.link.passThreshold }
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
        started_submissions_count: agents.filter(a => a.deploys.length > 0).length,
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
      // `create_submission` docstring: message, submission_id, status, validation_message,
      // template_source; README 2.0: every reply about a submission carries the status block.
      return json(201, {
        message: `Submission ${agent.id} created`,
        submission_id: agent.id,
        validation_message: null,
        template_source: null,
        ...statusBlock(world.statusView(agent), agent)
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
    route('PUT', `${S}/challenge/:cid/:aid/file`, async ctx => {
      const agent = agentIn(ctx)
      // `upload_submission_file` docstring: message, validation_message and the status block.
      const put = await handleFilePut(world, ctx, agent)
      return json(200, {
        message: put.message,
        validation_message: put.validationMessage,
        ...statusBlock(world.statusView(agent), agent)
      })
    }),
    route('GET', `${S}/challenge/:cid/:aid/file`, ctx => listFiles(world, agentIn(ctx))),
    route('GET', `${S}/challenge/:cid/:aid/file/:filename/content`, ctx =>
      readFile(world, agentIn(ctx), ctx.params.filename ?? '')
    ),
    route('PUT', `${S}/challenge/:cid/:aid/deploy`, ctx => {
      const agent = agentIn(ctx)
      try {
        const record = world.deploy(agent)
        // `deploy_submission` docstring: 202 with message, deployment_id and the status block.
        return json(202, {
          message: `Deployment ${record.plan.id} queued`,
          deployment_id: record.plan.id,
          ...statusBlock(world.statusView(agent), agent)
        })
      } catch (error) {
        if (!(error instanceof DeployRefused)) throw error
        // `deploy_submission` docstring: {error, deployment_limits, active_submission_limits}.
        return json(409, {
          error: error.message,
          deployment_limits: deploymentLimits(error.limits),
          active_submission_limits: activeLimits(error.limits)
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
      // `submission_games` docstring: {games: [RunResult + replay], challenge_context}.
      return json(200, {
        games: world
          .finishedRuns(agent)
          .map(({ record, run }) => gameRow(world, agent, record, run)),
        challenge_context: runsContext(comp, metricDeclarations(comp))
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
    },"neighbors":${rows.array(view.neighbours, userId)}}`
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
    course ? courseContext(course) : { course_id: null, pass_threshold: null }
  )}}`
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: [Buffer.from(`${head},"leaders":`), leaders, Buffer.from(tail)]
  }
}
