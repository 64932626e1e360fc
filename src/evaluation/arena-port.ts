/**
 * What the submit pipeline needs of the ML Arena client (ArenaClient implements it): the port
 * steps are written against, so tests pass a fake and no step imports the pipeline.
 */
import type {
  AgentFile,
  AgentStatus,
  Competition,
  CreatedAgent,
  DeployQuota,
  GameList,
  Leaderboard,
  LeaderboardQuery,
  MyAgent,
  RuntimeOption,
  UploadResult,
  Wire
} from '../arena/model.js'
import type { CourseListing, CoursePreview, Enrolment, EnrolmentRequest } from '../arena/courses.js'

export interface ArenaApi {
  wire(): Promise<Wire>
  getCompetition(competitionId: number): Promise<Competition>
  runtimeOptions(competitionId: number): Promise<RuntimeOption[]>
  createAgent(competitionId: number, name: string): Promise<CreatedAgent>
  pinRuntime(agentId: number, runtimeId: number): Promise<void>
  listFiles(competitionId: number, agentId: number): Promise<AgentFile[]>
  uploadFile(
    competitionId: number,
    agentId: number,
    file: { name: string; path: string; size: number },
    onProgress?: (bytesSent: number) => void
  ): Promise<UploadResult>
  deleteFile(competitionId: number, agentId: number, name: string): Promise<void>
  deployQuota(competitionId: number, agentId: number): Promise<DeployQuota>
  deploy(
    competitionId: number,
    agentId: number,
    quotaBefore?: DeployQuota | null
  ): Promise<{ message: string | null; adopted: boolean }>
  status(competitionId: number, agentId: number): Promise<AgentStatus>
  games(agentId: number): Promise<GameList>
  leaderboard(competitionId: number, query?: LeaderboardQuery): Promise<Leaderboard>
  deleteAgent(competitionId: number, agentId: number): Promise<void>
  /** The caller's agents on every competition; null where the wire cannot list them (legacy). */
  mine(): Promise<MyAgent[] | null>
  downloadLog(
    url: string,
    destination: string,
    options: { maxBytes: number }
  ): Promise<{ bytes: number; truncated: boolean }>
  downloadReplay(
    url: string,
    destination: string,
    options: { maxBytes: number; onWritten?: (bytes: number) => void }
  ): Promise<{ bytes: number; truncated: boolean }>
  previewCourse(joinCode: string): Promise<CoursePreview>
  enroll(joinCode: string, request: EnrolmentRequest): Promise<Enrolment>
  listCourses(query?: { showAll?: boolean; challengeId?: number }): Promise<CourseListing[]>
}
