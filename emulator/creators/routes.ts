/**
 * Creator routes on both wires: current `/api/creator_challenge/...` (SDK 4.4.0) and legacy
 * `/api/creator_competition/...` (SDK 0.2.0), plus the public tag catalog. Shapes only: the
 * rules live in store.ts.
 */
import { jobStatus, type BenchmarkPlan } from './benchmark.ts'
import { exportToml } from './challenge-config.ts'
import { CONFIG_FIELDS, configFieldsPayload, configSchema } from './config-fields.ts'
import {
  CONFIG_FILE,
  MAX_COVER_BYTES,
  MAX_FOLDER_FILE_BYTES,
  fileFromText,
  fileFromUpload,
  fileText,
  languageOf,
  type CreatorChallenge,
  type CreatorFile,
  type CreatorStore,
  type FileOutcome
} from './store.ts'
import { checkEnv } from './env-check.ts'
import { ApiError, json, readJson, type Reply } from '../plumbing/http.ts'
import { KINDS, kindPayload } from './kinds.ts'
import {
  intParam,
  publicRoute,
  route,
  type PublicContext,
  type Route,
  type RouteContext
} from '../plumbing/router.ts'
import { iso, type World } from '../platform/store.ts'
import { catalog, resolveTagIds } from './tags.ts'
import { checkFileName, receiveUpload, type ReceivedFile } from '../platform/upload.ts'

/** The benchmark submission's id in a run's results: one per challenge. */
export const BENCHMARK_SUBMISSION_BASE = 900_000

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms))

function idKey(world: World): string {
  return world.wire === 'current' ? 'challenge_id' : 'competition_id'
}

function summary(world: World, c: CreatorChallenge): Record<string, unknown> {
  return {
    id: c.id,
    [idKey(world)]: c.id,
    name: c.comp.name,
    status: c.comp.status,
    is_public: c.comp.isPublic,
    kernel_version: c.kind.kernelVersion,
    role: 'owner',
    owner_username: c.owner.username
  }
}

function configView(c: CreatorChallenge): Record<string, unknown> {
  const toml = c.env.get(CONFIG_FILE)
  return {
    values: c.config.values,
    origin: c.config.origin,
    file_lines: c.config.fileLines,
    file_applied_at_ts: isoOrNull(c.config.fileAppliedAt),
    file_in_sync: toml ? toml.sha256 === c.config.fileSha256 : c.config.fileSha256 === null
  }
}

function rows(c: CreatorChallenge): Record<string, Record<string, unknown>> {
  const configuration: Record<string, unknown> = {
    kernel_version: c.kind.kernelVersion,
    machine_id: 1,
    submission_filename: c.kind.submissionFilename
  }
  const evaluation: Record<string, unknown> = {}
  for (const field of CONFIG_FIELDS)
    (field.row === 'configuration' ? configuration : evaluation)[field.key] =
      c.config.values[field.key]
  const latest = c.runs[c.runs.length - 1]
  return {
    configuration,
    evaluation,
    environment: {
      id: c.id,
      number_of_agents: 1,
      benchmark_simulation_result_id: latest?.id ?? null,
      attach_path_files: [...c.env.keys()].sort()
    }
  }
}

function tagRows(c: CreatorChallenge): unknown[] {
  return c.tags.map(t => ({ id: t.id, name: t.name, description: t.description }))
}

function editorView(
  world: World,
  store: CreatorStore,
  c: CreatorChallenge
): Record<string, unknown> {
  return {
    ...summary(world, c),
    description: c.comp.description,
    kind_label: c.kind.label,
    machine_name: c.comp.machineName,
    machine: {
      id: 1,
      name: c.comp.machineName,
      runtime: 'k8s',
      vm_health_ok: null,
      vm_health_checked_at_ts: null
    },
    tags: tagRows(c),
    created_at_ts: iso(c.createdAt),
    start_date_ts: isoOrNull(c.startDate),
    miniature: c.cover ? `/api/challenge_asset/${c.id}/image/miniature` : null,
    ...rows(c),
    config: configView(c),
    start_blockers: store.blockers(c),
    start_recommendations: store.recommendations(c),
    running_editable_fields: store.runningEditableFields()
  }
}

function filesPayload(folder: Map<string, CreatorFile>): Record<string, unknown> {
  const files: Record<string, unknown> = {}
  for (const f of [...folder.values()].sort((a, b) => a.name.localeCompare(b.name)))
    files[f.name] = {
      content: fileText(f),
      language: languageOf(f),
      is_binary: f.isBinary,
      size: f.size,
      sha256: f.sha256,
      is_truncated: f.size > f.head.length
    }
  return { files }
}

export function runView(
  c: CreatorChallenge,
  plan: BenchmarkPlan,
  t: number
): Record<string, unknown> {
  const status = jobStatus(plan, t)
  const ended = status === 'completed' || status === 'failed'
  return {
    id: plan.id,
    run_id: plan.id,
    simulation_id: plan.id,
    // The RunResult's id (SDK 4.4.0 "Why a run ended"; benchmark_status: "the same dict").
    simulation_result_id: plan.id,
    job_status: status,
    job_error_type: ended ? plan.jobErrorType : null,
    env_error_type: ended ? plan.envErrorType : null,
    env_error_message: ended ? plan.envErrorMessage : null,
    env_stdout_logs:
      status === 'pending' ? '' : ended ? plan.envStdout : plan.envStdout.split('\n')[0] + '\n',
    env_nb_steps: ended && plan.outcome === 'completed' ? plan.envNbSteps : null,
    created_at_ts: iso(plan.createdAt),
    started_at_ts: status === 'pending' ? null : iso(plan.startsAt),
    ended_at_ts: ended ? iso(plan.endsAt) : null,
    submission_results: [
      {
        submission_id: BENCHMARK_SUBMISSION_BASE + c.id,
        submission_name: '__benchmark__',
        status: ended ? (plan.outcome === 'completed' ? 'active' : 'deploy_failed') : 'deploy_run',
        score: status === 'completed' ? plan.score : null,
        agent_nb_steps: ended && plan.outcome === 'completed' ? plan.envNbSteps : null,
        game_outcome: ended ? (plan.outcome === 'completed' ? 'completed' : 'error') : null,
        agent_error_type: ended ? plan.agentErrorType : null,
        agent_error_message: ended ? plan.agentErrorMessage : null
      }
    ]
  }
}

/** A run as SDK 0.2.0 reads it: `{simulation_id, status}`, status none|running|completed|failed. */
function legacyRun(plan: BenchmarkPlan, t: number): Record<string, unknown> {
  const status = jobStatus(plan, t)
  return { simulation_id: plan.id, status: status === 'pending' ? 'running' : status }
}

/** A folder file from a JSON body `{filename, content}` or a multipart part `file`. */
async function receiveFolderFile(world: World, ctx: RouteContext): Promise<CreatorFile> {
  const type = ctx.req.headers['content-type'] ?? ''
  if (/^application\/json/i.test(type)) {
    const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
    const filename = body?.filename
    const content = body?.content
    if (typeof filename !== 'string' || typeof content !== 'string')
      throw new ApiError(
        400,
        'Send {"filename": "<plain name>", "content": "<text>"} or a multipart part "file"'
      )
    const nameError = checkFileName(filename)
    if (nameError) throw new ApiError(400, nameError)
    return fileFromText(filename, content, world.now())
  }
  const received = await receivePart(ctx, MAX_FOLDER_FILE_BYTES)
  return fileFromUpload(received, world.now())
}

async function receivePart(
  ctx: RouteContext,
  maxBytes: number,
  keepBytes?: number
): Promise<ReceivedFile> {
  const form = await receiveUpload(ctx.req, {
    checkName: () => null,
    maxBytes: () => maxBytes,
    ...(keepBytes === undefined ? {} : { keepBytes }),
    describeLimit: (name, size) => `"${name}" is ${size} bytes, over the limit of ${maxBytes} bytes`
  })
  if (form.kind === 'refused') throw new ApiError(form.status, form.error)
  if (form.kind === 'delete')
    throw new ApiError(400, 'To delete a file, send DELETE .../files/{filename}')
  return form.file
}

function fileReply(outcome: FileOutcome, c: CreatorChallenge): Reply {
  if (outcome.kind === 'refused')
    throw new ApiError(outcome.status, outcome.errors.join('; '), { details: outcome.errors })
  const { file } = outcome
  return json(200, {
    message: `File "${file.name}" saved (${file.size} bytes)`,
    filename: file.name,
    file: { name: file.name, size: file.size, sha256: file.sha256 },
    ...(outcome.validation ? { validation: outcome.validation } : {}),
    ...(outcome.config ? { config: configView(c) } : {})
  })
}

export function creatorRoutes(world: World, store: CreatorStore): Route[] {
  const current = world.wire === 'current'
  const P = current ? '/api/creator_challenge' : '/api/creator_competition'
  const C = current ? `${P}/challenge/:cid` : `${P}/competition/:cid`
  const copyField = current ? 'copy_from_challenge_id' : 'copy_from_competition_id'
  const owned = (ctx: RouteContext): CreatorChallenge =>
    store.owned(ctx.token, intParam(ctx, 'cid'))
  const now = (): number => world.now()
  /** GET/PUT `.../{folder}/files` and DELETE `.../{folder}/files/{filename}`. */
  const folderRoutes = (
    folder: 'env' | 'benchmark',
    put: (c: CreatorChallenge, file: CreatorFile) => FileOutcome,
    remove: (c: CreatorChallenge, name: string) => void
  ): Route[] => [
    route('PUT', `${C}/${folder}/files`, async ctx => {
      const c = owned(ctx)
      return fileReply(put(c, await receiveFolderFile(world, ctx)), c)
    }),
    // SDK 0.2.0 has no listing and no deletion of these folders: current wire only.
    ...(current
      ? [
          route('GET', `${C}/${folder}/files`, ctx => json(200, filesPayload(owned(ctx)[folder]))),
          route('DELETE', `${C}/${folder}/files/:filename`, ctx => {
            const name = ctx.params.filename ?? ''
            remove(owned(ctx), name)
            return json(200, { message: `File "${name}" deleted from the ${folder} folder` })
          })
        ]
      : [])
  ]

  const shared: Route[] = [
    route('POST', current ? `${P}/challenge` : `${P}/competition`, async ctx => {
      store.requireCreator(ctx.token)
      const c = store.create(ctx.token, await readJson(ctx.req), copyField)
      return json(201, {
        ...summary(world, c),
        description: c.comp.description,
        machine_name: c.comp.machineName,
        machine_note: null,
        message: `${world.words.comp} ${c.id} created (draft)`
      })
    }),
    route('PUT', C, async ctx => {
      const c = owned(ctx)
      store.update(c, await readJson(ctx.req))
      return json(200, {
        ...summary(world, c),
        description: c.comp.description,
        message: 'Updated'
      })
    }),
    route('PUT', `${C}/tags`, async ctx => {
      const c = owned(ctx)
      const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
      store.setTags(c, resolveTagIds(body?.tag_ids))
      return json(200, { [idKey(world)]: c.id, tags: tagRows(c), message: 'Tags replaced' })
    }),
    ...folderRoutes(
      'env',
      (c, f) => store.putEnvFile(c, f),
      (c, n) => store.deleteEnvFile(c, n)
    ),
    route('POST', `${C}/env/sync-github`, async ctx => {
      const c = owned(ctx)
      const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
      if (typeof body?.github_repo_url !== 'string' || body.github_repo_url === '')
        throw new ApiError(400, 'Send {"github_repo_url": "https://github.com/<owner>/<repo>"}')
      if (c.comp.status === 'started')
        throw new ApiError(
          400,
          `${world.words.comp} ${c.id} is started: stop it to change its env folder`
        )
      throw new ApiError(
        501,
        'The emulator cannot reach GitHub: sync-github is not emulated; upload the files with PUT .../env/files'
      )
    }),
    route('PUT', `${C}/markdown`, async ctx => {
      const c = owned(ctx)
      store.setMarkdown(c, await readJson(ctx.req))
      return json(200, { content: c.markdown, message: 'Overview saved' })
    }),
    route('POST', `${C}/image`, async ctx => {
      const c = owned(ctx)
      const cover = store.setCover(c, await receivePart(ctx, MAX_COVER_BYTES, MAX_COVER_BYTES))
      return json(200, {
        message: 'Cover image saved',
        miniature: `/api/challenge_asset/${c.id}/image/miniature`,
        content_type: cover.contentType,
        size: cover.size,
        sha256: cover.sha256
      })
    }),
    ...folderRoutes(
      'benchmark',
      (c, f) => store.putBenchmarkFile(c, f),
      (c, n) => store.deleteBenchmarkFile(c, n)
    ),
    route('POST', `${C}/benchmark/run`, ctx => {
      const c = owned(ctx)
      const plan = store.runBenchmark(c)
      // 0.2.0 `run_benchmark`: "Returns `{simulation_id, status}`".
      if (!current) return json(200, legacyRun(plan, plan.createdAt))
      return json(200, runView(c, plan, plan.createdAt))
    }),
    route('GET', `${C}/benchmark/status`, ctx => {
      const c = owned(ctx)
      const run = store.latestRun(c)
      const t = now() // one instant for the run and its checks (the clock may run on its own)
      // 0.2.0 `benchmark_status`: "Status is one of none | running | completed | failed".
      if (!current) return json(200, run ? legacyRun(run, t) : { status: 'none' })
      return json(200, { run: run ? runView(c, run, t) : null, checks: store.checks(c, t) })
    }),
    route('PUT', `${C}/start`, ctx => {
      const c = owned(ctx)
      store.start(c)
      return json(200, {
        ...summary(world, c),
        start_date_ts: isoOrNull(c.startDate),
        message: `${world.words.comp} ${c.id} started`
      })
    })
  ]
  if (!current)
    return [
      ...shared,
      route('PUT', `${C}/settings`, async ctx => {
        const c = owned(ctx)
        store.legacySettings(c, await readJson(ctx.req))
        return json(200, { [idKey(world)]: c.id, message: 'Settings saved' })
      }),
      publicRoute('GET', '/api/competition_tags/tags', ctx => tagCatalog(world, ctx))
    ]
  return [
    ...shared,
    route('GET', `${C}/markdown`, ctx => json(200, { content: owned(ctx).markdown })),
    route('GET', `${P}/challenges`, ctx =>
      json(
        200,
        store.mine(ctx.token).map(c => summary(world, c))
      )
    ),
    route('GET', C, ctx => json(200, editorView(world, store, owned(ctx)))),
    route('GET', `${P}/available_kinds`, ctx => {
      store.requireCreator(ctx.token)
      return json(200, KINDS.map(kindPayload))
    }),
    publicRoute('GET', `${P}/config_fields`, () => json(200, configFieldsPayload())),
    publicRoute('GET', `${P}/config_schema.json`, () => json(200, configSchema())),
    route('PUT', `${C}/settings`, async ctx => {
      const c = owned(ctx)
      store.settings(c, await readJson(ctx.req))
      return json(200, rows(c))
    }),
    route('GET', `${C}/config.toml`, ctx => ({
      status: 200,
      headers: { 'content-type': 'application/toml; charset=utf-8' },
      body: exportToml(owned(ctx).config)
    })),
    route('GET', `${C}/tags`, ctx => json(200, tagRows(owned(ctx)))),
    // SDK 4.4.0 `challenge_image`: the cover's bytes; "ChallengeNotFoundError when the
    // challenge has no image yet" (404).
    route('GET', `${C}/image`, ctx => {
      const c = owned(ctx)
      if (!c.cover) throw new ApiError(404, `${world.words.comp} ${c.id} has no image yet`)
      return {
        status: 200,
        headers: { 'content-type': c.cover.contentType },
        body: c.cover.bytes
      }
    }),
    route('POST', `${C}/env/check`, async ctx => {
      owned(ctx)
      const body = (await readJson(ctx.req)) as Record<string, unknown> | undefined
      const content = body?.content ?? ''
      if (typeof content !== 'string')
        throw new ApiError(400, 'Send {"content": "<env.py source>"}')
      return json(200, checkEnv(content))
    }),
    route('PUT', `${C}/stop`, ctx => {
      const c = owned(ctx)
      store.stop(c)
      return json(200, { ...summary(world, c), message: `${world.words.comp} ${c.id} stopped` })
    }),
    publicRoute('GET', '/api/challenge_tags/tags', ctx => tagCatalog(world, ctx))
  ]
}

function tagCatalog(world: World, ctx: PublicContext): Reply {
  const started = world.visibleCompetitions(ctx.viewer).filter(c => c.status === 'started')
  return json(200, catalog(started))
}
