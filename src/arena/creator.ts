/**
 * The creator's ML Arena: typed methods for the routes that author a challenge (see
 * creator-wire.ts), on an ArenaClient's transport (same retries, timeouts, redirect refusal,
 * redaction and wire). Every route needs a `creator` token, checked before sending, except the
 * public catalog and schema reads.
 *
 * Calls that are not idempotent (create, run benchmark) are never repeated blindly: a create
 * whose outcome is unknown is looked up by name before anyone tries again (the caller decides).
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
  createChallengeBody,
  creatorEndpoints as routes,
  parseBenchmarkRun,
  parseBenchmarkStatus,
  parseCatalog,
  parseCreatedChallenge,
  parseCreatorChallenges,
  parseEditorView,
  parseEnvCheck,
  parseKinds,
  parseRemoteFiles,
  parseSchema,
  parseTagList,
  updateChallengeBody
} from './creator-wire.js'
import { ArenaError, oneLineText } from './errors.js'
import type { Wire } from './model.js'
import { openFilePart } from './multipart.js'
import { requireScope } from './token.js'
import type { Endpoint } from './wire.js'

export type CreatorFolder = 'env' | 'benchmark'

/** What `file` uploads need: the stored name and the file on disk. */
export interface UploadSource {
  name: string
  path: string
}

/** The timeouts the official client uses: 60 s create, 120 s per upload. */
const CREATE_MS = 60_000
const UPLOAD_MS = 120_000

export class CreatorClient {
  readonly #arena: ArenaClient

  constructor(arena: ArenaClient) {
    this.#arena = arena
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

  /** Creates a challenge and returns its id. Not retried after it may have been carried out. */
  async createChallenge(spec: NewChallenge): Promise<number> {
    const a = await this.#need(w => routes.create(w), {
      json: w => createChallengeBody(w, spec),
      idempotent: false,
      timeoutMs: CREATE_MS
    })
    return parseCreatedChallenge(a.data, ctxOf(a))
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

  async deleteFile(challengeId: number, folder: CreatorFolder, name: string): Promise<void> {
    await this.#need(w => routes.deleteFile(w, challengeId, folder, name), {
      what: `the deletion of ${folder}/${oneLineText(name, 120)}`,
      expect: 'optional'
    })
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

  /** Starts a benchmark run; never repeated after it may have started one. */
  async runBenchmark(challengeId: number): Promise<BenchmarkRun | null> {
    const a = await this.#need(w => routes.runBenchmark(w, challengeId), {
      idempotent: false,
      expect: 'optional'
    })
    return a.data === null ? null : parseBenchmarkRun(a.data, ctxOf(a))
  }

  async benchmarkStatus(challengeId: number): Promise<BenchmarkStatus> {
    const a = await this.#need(w => routes.benchmarkStatus(w, challengeId), {})
    return parseBenchmarkStatus(a.data, ctxOf(a))
  }

  /** A refusal (400/409) is an ArenaError whose `body.details` lists every blocker. */
  async start(challengeId: number): Promise<void> {
    await this.#need(w => routes.start(w, challengeId), { expect: 'optional' })
  }

  async stop(challengeId: number): Promise<void> {
    await this.#need(w => routes.stop(w, challengeId), { expect: 'optional' })
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
