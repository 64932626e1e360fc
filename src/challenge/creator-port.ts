/**
 * What the challenge action needs of ML Arena (CreatorClient implements it): steps are written
 * against this port, so tests pass a fake and no step imports the client.
 */
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
} from '../arena/creator-model.js'
import type { CreatorFolder, UploadSource } from '../arena/creator.js'
import type { ConfigFieldInfo } from '../arena/creator-wire.js'
import type { Competition } from '../arena/model.js'

export interface CreatorApi {
  myChallenges(): Promise<CreatorChallenge[]>
  /** Your challenges with this name, as far as the wire shows them (legacy: searched, probed). */
  challengesNamed(name: string): Promise<CreatorChallenge[]>
  /** The public detail: all the legacy wire shows of a competition. */
  competition(challengeId: number): Promise<Competition>
  updateSettings(challengeId: number, settings: Record<string, unknown>): Promise<void>
  configFields(): Promise<ConfigFieldInfo[]>
  exportConfig(challengeId: number): Promise<string>
  /** The cover's bytes; null when there is none. */
  coverBytes(challengeId: number): Promise<Buffer | null>
  stop(challengeId: number): Promise<void>
  editorView(challengeId: number): Promise<ChallengeEditorView>
  kinds(): Promise<ChallengeKind[]>
  configSchema(): Promise<Record<string, unknown>>
  tagCatalog(): Promise<Tag[]>
  challengeTags(challengeId: number): Promise<Tag[] | null>
  createChallenge(spec: NewChallenge): Promise<number>
  updateChallenge(challengeId: number, update: ChallengeUpdate): Promise<void>
  setTags(challengeId: number, tagIds: number[]): Promise<void>
  listFiles(challengeId: number, folder: CreatorFolder): Promise<RemoteFile[]>
  uploadFile(challengeId: number, folder: CreatorFolder, file: UploadSource): Promise<unknown>
  deleteFile(challengeId: number, folder: CreatorFolder, name: string): Promise<void>
  checkEnv(challengeId: number, content: string): Promise<EnvCheck>
  overview(challengeId: number): Promise<string>
  setOverview(challengeId: number, content: string): Promise<void>
  setCover(challengeId: number, file: UploadSource): Promise<void>
  runBenchmark(challengeId: number): Promise<BenchmarkRun | null>
  benchmarkStatus(challengeId: number): Promise<BenchmarkStatus>
  start(challengeId: number): Promise<void>
}
