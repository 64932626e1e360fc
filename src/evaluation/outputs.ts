/** The outputs a participant run sets, from its outcome (the follow-up sets the same, per agent). */
import type { RunOutcome } from './outcome.js'
import { classroomResult, encodeClassroomResult } from './report/classroom.js'

export function outputsOf(outcome: RunOutcome, maxScore: number): Record<string, string> {
  const rank = outcome.rank
  return {
    'agent-id': outcome.agentId?.toString() ?? '',
    'agent-name': outcome.agentName ?? '',
    outcome: outcome.kind,
    status: outcome.status?.state ?? '',
    score: rank?.row?.score?.toString() ?? '',
    rank: rank?.row?.rank.toString() ?? '',
    // Which agent score and rank are of: this run's, or on a course board the student's best.
    'scored-agent-id': rank?.row?.agentId?.toString() ?? '',
    'previous-rank': rank?.previousRank?.toString() ?? '',
    'leaderboard-size': rank ? String(rank.total) : '',
    'leaderboard-url': outcome.competitionUrl ?? '',
    'logs-dir': outcome.logs.length > 0 ? (outcome.logsDir ?? '') : '',
    'api-wire': outcome.wire ?? '',
    'course-id': outcome.course?.id.toString() ?? '',
    passed: outcome.course?.passed == null ? '' : String(outcome.course.passed),
    'pass-threshold': outcome.course?.passThreshold?.toString() ?? '',
    'classroom-result': encodeClassroomResult(classroomResult(outcome, maxScore))
  }
}
