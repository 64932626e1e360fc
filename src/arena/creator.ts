/**
 * The creator's ML Arena: typed methods for the routes that author a challenge (see
 * creator-wire.ts), on an ArenaClient's transport (same retries, timeouts, redirect refusal,
 * redaction and wire). Every route needs a `creator` token, checked before sending, except the
 * public catalog and schema reads.
 *
 * Calls that are not idempotent (create, run benchmark, start) are never repeated blindly: when
 * one fails after the server may have carried it out (a 5xx, a reset), the server's state is read
 * first and what the call did is adopted; it is sent again only when nothing shows it happened
 * (writeWithoutDuplicates, the loop agent create and deploy use too):
 *
 * - create: a challenge with that name whose id was not there just before the create;
 * - benchmark run: a run that was not there before (its id differs, or it is pending or running
 *   where none was);
 * - start: the challenge's status reads started.
 */
import type { ArenaClient, Answer, RequestSpec } from './client.js'
import type {
  BenchmarkRun,
  BenchmarkStatus,
  ChallengeEditorView,
  ChallengeKind,
  ChallengeUpdate,
  CreatorChallenge,
  EnvCheck,
  NewChallenge,
  RemoteFile,
  Tag
} from './creator-model.js'
import {
  type ConfigFieldInfo,
  createChallengeBody,
  creatorEndpoints as routes,
  parseBenchmarkRun,
  parseBenchmarkStatus,
  parseCatalog,
  parseCreatedChallenge,
  parseCreatorChallenges,
  parseEditorView,
  parseEnvCheck,
  parseConfigFields,
  parseKinds,
  parseRemoteFiles,
  parseSchema,
  parseTagList,
  updateChallengeBody
} from './creator-wire.js'
import { ArenaError, oneLineText } from './errors.js'
import type { Competition, Wire } from './model.js'
import { openFilePart } from './multipart.js'
import { writeWithoutDuplicates } from './no-duplicates.js'
import { DEFAULT_RETRY } from './retry.js'
import { requireScope } from './token.js'
import type { Endpoint } from './wire.js'
import type { ArenaLogger } from './http.js'

export type CreatorFolder = 'env' | 'benchmark'

/** What `file` uploads need: the stored name and the file on disk. */
export interface UploadSource {
  name: string
  path: string
}

/** The timeouts the official client uses: 60 s create, 120 s per upload. */
const CREATE_MS = 60_000
const UPLOAD_MS = 120_000

export interface CreatorOptions {
  logger?: ArenaLogger
  /** Tries of a non-idempotent write whose answer keeps being lost (default: the retry policy's). */
  attempts?: number
}

const SILENT: ArenaLogger = { debug: () => {}, info: () => {}, warning: () => {} }

/** Failures that say nothing about the request (the transport already retried them). */
const TRANSIENT: ReadonlySet<string> = new Set([
  'server',
  'network',
  'timeout',
  'protocol',
  'rate-limited',
  'maintenance'
])

export class CreatorClient {
  readonly #arena: ArenaClient
  readonly #logger: ArenaLogger
  readonly #attempts: number

  constructor(arena: ArenaClient, options: CreatorOptions = {}) {
    this.#arena = arena
    this.#logger = options.logger ?? SILENT
    this.#attempts = options.attempts ?? DEFAULT_RETRY.attempts
  }

  get arena(): ArenaClient {
    return this.#arena
  }

  /** The challenges the token's user owns or assists on, hidden ones included. */
  async myChallenges(): Promise<CreatorChallenge[]> {
    const a = await this.#need(w => routes.mine(w), {})
    return parseCreatorChallenges(a.data, ctxOf(a))
  }

  async editorView(challengeId: number): Promise<ChallengeEditorView> {
    const a = await this.#need(w => routes.editorView(w, challengeId), {})
    return parseEditorView(a.data, ctxOf(a), challengeId)
  }

  async kinds(): Promise<ChallengeKind[]> {
    const a = await this.#need(w => routes.kinds(w), {})
    return parseKinds(a.data, ctxOf(a))
  }

  async configSchema(): Promise<Record<string, unknown>> {
    const a = await this.#need(w => routes.schema(w), {})
    return parseSchema(a.data, ctxOf(a))
  }

  async tagCatalog(): Promise<Tag[]> {
    const a = await this.#need(w => routes.catalog(w), {})
    return parseCatalog(a.data, ctxOf(a))
  }

  /** The tags on a challenge; null when the server has no such route (404/405). */
  async challengeTags(challengeId: number): Promise<Tag[] | null> {
    try {
      await this.#arena.wire()
      const a = await this.#arena.call(
        w => routes.readTags(w, challengeId),
        () => ({})
      )
      return a ? parseTagList(a.data, ctxOf(a)) : null
    } catch (error) {
      if (error instanceof ArenaError && (error.status === 404 || error.status === 405)) return null
      throw error
    }
  }

  /** Creates a challenge and returns its id, never two of them (see the header). */
  async createChallenge(spec: NewChallenge): Promise<number> {
    const before = new Set((await this.#named(spec.name)).map(c => c.id))
    const result = await writeWithoutDuplicates({
      write: async () => {
        const a = await this.#need(w => routes.create(w), {
          json: w => createChallengeBody(w, spec),
          idempotent: false,
          timeoutMs: CREATE_MS
        })
        return parseCreatedChallenge(a.data, ctxOf(a))
      },
      observe: async () => {
        const fresh = (await this.#named(spec.name)).filter(c => !before.has(c.id))
        return fresh.length === 1 ? (fresh[0]?.id ?? null) : null
      },
      logger: this.#logger,
      what: 'the challenge creation',
      check: `look for a challenge named "${oneLineText(spec.name, 120)}" among yours on ML Arena and pin its id with challenge-id before running again`,
      attempts: this.#attempts,
      adoptedLine: id => `Challenge ${id} was created despite the failed answer: adopting it.`
    })
    return result.value
  }

  /**
   * The challenges named `name` that this token may edit, as far as the wire shows them: the
   * current wire lists the creator's own; the legacy wire (SDK 0.2.0) has no such list, so the
   * competition list is searched by name (a token sees its own hidden ones) and each exact match
   * is kept when a creator-only read of it answers (its benchmark status: 403/404 when not yours).
   */
  async #named(name: string): Promise<CreatorChallenge[]> {
    const wire = await this.#arena.wire()
    if (wire === 'current') return (await this.myChallenges()).filter(c => c.name === name)
    const found = (await this.#arena.listCompetitions({ q: name })).filter(c => c.name === name)
    const mine: CreatorChallenge[] = []
    for (const c of found) {
      try {
        await this.benchmarkStatus(c.id)
      } catch (error) {
        if (error instanceof ArenaError && (error.status === 403 || error.status === 404)) continue
        throw error
      }
      mine.push({
        id: c.id,
        name: c.name,
        status: c.status ?? 'unknown',
        isPublic: null,
        kernelVersion: null,
        role: null,
        ownerUsername: null
      })
    }
    return mine
  }

  /** The challenges with this name that are yours (see #named); what find-by-name reads. */
  async challengesNamed(name: string): Promise<CreatorChallenge[]> {
    return this.#named(name)
  }

  async updateChallenge(challengeId: number, update: ChallengeUpdate): Promise<void> {
    await this.#need(w => routes.update(w, challengeId), {
      json: () => updateChallengeBody(update),
      expect: 'optional'
    })
  }

  async setTags(challengeId: number, tagIds: number[]): Promise<void> {
    await this.#need(w => routes.tags(w, challengeId), {
      json: () => ({ tag_ids: tagIds }),
      expect: 'optional'
    })
  }

  async listFiles(challengeId: number, folder: CreatorFolder): Promise<RemoteFile[]> {
    const a = await this.#need(w => routes.files(w, challengeId, folder), {})
    return parseRemoteFiles(a.data, ctxOf(a))
  }

  /**
   * Uploads one file as the multipart part `file`. A refused challenge.toml is a 400 whose
   * ArenaError carries the answer (`body`): see parseConfigRefusal. Returns the answer's JSON.
   */
  async uploadFile(
    challengeId: number,
    folder: CreatorFolder,
    file: UploadSource
  ): Promise<unknown> {
    const a = await this.#need(w => routes.upload(w, challengeId, folder), {
      what: `the upload of ${folder}/${oneLineText(file.name, 120)}`,
      body: async touch => openFilePart(file.path, 'file', file.name, () => touch()),
      timeoutMs: UPLOAD_MS,
      idleTimeout: true,
      expect: 'optional'
    })
    return a.data
  }

  /**
   * Deletes a file the listing showed. A 404 means it is gone, which is what was asked: the
   * transport repeats a DELETE whose answer was lost, and the repeat finds nothing to delete.
   */
  async deleteFile(challengeId: number, folder: CreatorFolder, name: string): Promise<void> {
    try {
      await this.#need(w => routes.deleteFile(w, challengeId, folder, name), {
        what: `the deletion of ${folder}/${oneLineText(name, 120)}`,
        expect: 'optional'
      })
    } catch (error) {
      if (error instanceof ArenaError && error.status === 404) return
      throw error
    }
  }

  /** The validator's findings on an env.py buffer; nothing is saved. */
  async checkEnv(challengeId: number, content: string): Promise<EnvCheck> {
    const a = await this.#need(w => routes.checkEnv(w, challengeId), {
      json: () => ({ content }),
      // The check saves nothing: repeating it is harmless.
      idempotent: true
    })
    return parseEnvCheck(a.data, ctxOf(a))
  }

  async overview(challengeId: number): Promise<string> {
    const a = await this.#need(w => routes.markdown(w, challengeId, 'GET'), {})
    const o = a.data
    return typeof o === 'object' &&
      o !== null &&
      typeof (o as { content?: unknown }).content === 'string'
      ? (o as { content: string }).content
      : ''
  }

  async setOverview(challengeId: number, content: string): Promise<void> {
    await this.#need(w => routes.markdown(w, challengeId, 'PUT'), {
      json: () => ({ content }),
      expect: 'optional'
    })
  }

  async setCover(challengeId: number, file: UploadSource): Promise<void> {
    await this.#need(w => routes.cover(w, challengeId), {
      what: `the upload of ${oneLineText(file.name, 120)}`,
      body: async touch => openFilePart(file.path, 'file', file.name, () => touch()),
      timeoutMs: UPLOAD_MS,
      idleTimeout: true,
      // The same image replaces itself: repeating the upload is harmless.
      idempotent: true,
      expect: 'optional'
    })
  }

  /** Starts a benchmark run, never two (see the header); resolves to the run when known. */
  async runBenchmark(challengeId: number): Promise<BenchmarkRun | null> {
    // The baseline an ambiguous failure is judged against. A read that keeps failing leaves it
    // unknown (null): then only a run in progress counts as evidence, which is still sound, as
    // ML Arena refuses a second run while one is in progress.
    const before = await this.benchmarkStatus(challengeId).then(
      status => status.run,
      (error: unknown) => {
        if (error instanceof ArenaError && TRANSIENT.has(error.kind)) return null
        throw error
      }
    )
    const result = await writeWithoutDuplicates<BenchmarkRun | null>({
      write: async () => {
        const a = await this.#need(w => routes.runBenchmark(w, challengeId), {
          idempotent: false,
          expect: 'optional'
        })
        return a.data === null ? null : parseBenchmarkRun(a.wire, a.data, ctxOf(a))
      },
      observe: async () => {
        const now = (await this.benchmarkStatus(challengeId)).run
        return now && newRun(before, now) ? now : null
      },
      logger: this.#logger,
      what: 'the benchmark run',
      check: `read the benchmark status of challenge ${challengeId} on ML Arena before starting another run`,
      attempts: this.#attempts,
      adoptedLine: run =>
        `A benchmark run (${oneLineText(run?.jobStatus ?? '', 40)}) was started despite the failed answer: following it.`
    })
    return result.value
  }

  async benchmarkStatus(challengeId: number): Promise<BenchmarkStatus> {
    const a = await this.#need(w => routes.benchmarkStatus(w, challengeId), {})
    return parseBenchmarkStatus(a.wire, a.data, ctxOf(a))
  }

  /**
   * Starts the challenge, once (see the header). A refusal (400/409) is an ArenaError whose
   * `body.details` lists every blocker.
   */
  async start(challengeId: number): Promise<void> {
    await writeWithoutDuplicates({
      write: async () => {
        await this.#need(w => routes.start(w, challengeId), {
          expect: 'optional',
          idempotent: false
        })
        return true
      },
      observe: async () => ((await this.#status(challengeId)) === 'started' ? true : null),
      logger: this.#logger,
      what: 'the start',
      check: `read the status of challenge ${challengeId} on ML Arena before starting it again`,
      attempts: this.#attempts
    })
  }

  /**
   * `PUT .../settings` with the wire's own keywords (4.4.0: config keys; 0.2.0: its ten
   * `update_settings` keywords). Repeating it is harmless: the same values replace themselves.
   */
  async updateSettings(challengeId: number, settings: Record<string, unknown>): Promise<void> {
    await this.#need(w => routes.settings(w, challengeId), {
      json: () => settings,
      expect: 'optional'
    })
  }

  /** The public detail (both wires): what the legacy wire shows of a competition. */
  async competition(challengeId: number): Promise<Competition> {
    return this.#arena.getCompetition(challengeId)
  }

  /** SDK 4.4.0 `config_fields`: every config key, whether a file may hold it, frozen once started. */
  async configFields(): Promise<ConfigFieldInfo[]> {
    const a = await this.#need(w => routes.configFields(w), {})
    return parseConfigFields(a.data, ctxOf(a))
  }

  /** SDK 4.4.0 `export_config`: the resolved config as a challenge.toml text. */
  async exportConfig(challengeId: number): Promise<string> {
    const a = await this.#need(w => routes.exportConfig(w, challengeId), { expect: 'optional' })
    return a.text
  }

  /** SDK 4.4.0 `challenge_image`: the cover's bytes; null when the challenge has none (404). */
  async coverBytes(challengeId: number): Promise<Buffer | null> {
    try {
      const a = await this.#need(w => routes.coverImage(w, challengeId), { expect: 'bytes' })
      return a.bytes ?? Buffer.alloc(0)
    } catch (error) {
      if (error instanceof ArenaError && error.status === 404) return null
      throw error
    }
  }

  /** Stops the challenge, once: a stop whose answer was lost is settled by reading the status. */
  async stop(challengeId: number): Promise<void> {
    await writeWithoutDuplicates({
      write: async () => {
        await this.#need(w => routes.stop(w, challengeId), {
          expect: 'optional',
          idempotent: false
        })
        return true
      },
      observe: async () => ((await this.#status(challengeId)) === 'stopped' ? true : null),
      logger: this.#logger,
      what: 'the stop',
      check: `read the status of challenge ${challengeId} on ML Arena before stopping it again`,
      attempts: this.#attempts
    })
  }

  /** draft | started | stopped: the editor view (current) or the public detail (legacy). */
  async #status(challengeId: number): Promise<string | null> {
    const wire = await this.#arena.wire()
    if (wire === 'current') return (await this.editorView(challengeId)).status
    return (await this.#arena.getCompetition(challengeId)).status
  }

  /** A call whose route must exist on the wire in use; the legacy wire lacks some. */
  async #need(
    build: (w: Wire) => Endpoint | null,
    spec: Omit<RequestSpec, 'json'> & { json?: (w: Wire) => unknown }
  ): Promise<Answer> {
    const { json, ...rest } = spec
    const probe = build('current')
    if (probe?.scope)
      requireScope(this.#arena.token, probe.scope, `${probe.method} /api${probe.path}`)
    // Settle the wire first (one competition-list read, remembered): detection by a creator
    // route would take its real 404 (a hidden challenge) for a route the wire lacks.
    await this.#arena.wire()
    const answer = await this.#arena.call(build, w => ({
      ...rest,
      ...(json ? { json: json(w) } : {})
    }))
    if (answer === null) {
      throw new ArenaError(
        `This ML Arena server speaks the legacy API wire, which has no route for ${probe?.what ?? 'this call'} (${probe?.method ?? ''} /api${probe?.path ?? ''} is current-wire only): use a server on the current wire, or api-wire: current.`,
        { kind: 'protocol', route: probe ? `${probe.method} /api${probe.path}` : '' }
      )
    }
    return answer
  }
}

function ctxOf(a: Answer): Answer['ctx'] {
  return a.ctx
}

/**
 * Whether `now` is a run that was not there at `before`: another id, when both carry one; else a
 * run pending or running where there was none, or only a finished one.
 */
export function newRun(before: BenchmarkRun | null, now: BenchmarkRun): boolean {
  if (before?.runId != null && now.runId != null) return before.runId !== now.runId
  const live = now.jobStatus === 'pending' || now.jobStatus === 'running'
  if (!live) return false
  return before === null || !(before.jobStatus === 'pending' || before.jobStatus === 'running')
}
