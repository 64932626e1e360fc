/**
 * Small builders for the challenge action's unit tests: local files, a challenge folder, an
 * editor view and the remote state a plan compares against.
 */
import type { ChallengeEditorView, RemoteFile } from '../../src/arena/creator-model.js'
import type { LocalChallenge, LocalFile } from '../../src/challenge/folder.js'
import { textOf } from '../../src/challenge/folder.js'
import type { RemoteState } from '../../src/challenge/plan.js'

export function localFile(folder: string, name: string, content: string | Buffer): LocalFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const shown = folder === '' ? `challenge/${name}` : `challenge/${folder}/${name}`
  return { name, path: `/ws/${shown}`, shown, size: bytes.length, bytes, text: textOf(bytes) }
}

export const ENV_PY =
  'class Env:\n    def evaluate(self, agents):\n        return {"agent_results": []}\n'
export const TOML = 'simulation_timeout_sec = 300\nmax_upload_files = 5\n'

export function folder(overrides: Partial<LocalChallenge> = {}): LocalChallenge {
  return {
    env: [localFile('env', 'challenge.toml', TOML), localFile('env', 'env.py', ENV_PY)],
    benchmark: [localFile('benchmark', 'agent.py', 'class Agent:\n    pass\n')],
    overview: null,
    cover: null,
    ...overrides
  }
}

export function remoteFile(name: string, content: string | null, size?: number): RemoteFile {
  return {
    name,
    content,
    size: size ?? (content === null ? 0 : Buffer.byteLength(content)),
    isBinary: content === null,
    sha256: null
  }
}

export function view(overrides: Partial<ChallengeEditorView> = {}): ChallengeEditorView {
  return {
    id: 8,
    name: 'Grid Maze',
    description: 'Reach the corner.',
    status: 'draft',
    isPublic: false,
    kernelVersion: 'flex_v1',
    tags: [],
    config: {
      values: { simulation_timeout_sec: 300, max_upload_files: 5 },
      origin: { simulation_timeout_sec: 'file', max_upload_files: 'file' },
      fileLines: { simulation_timeout_sec: 1, max_upload_files: 2 },
      fileInSync: true
    },
    startBlockers: [],
    startRecommendations: [],
    runningEditableFields: ['description', 'is_public', 'metrics', 'is_stop_after_deployment'],
    hasCover: false,
    ...overrides
  }
}

/** The remote side equal to folder(): a plan against it has no changes. */
export function remote(overrides: Partial<RemoteState> = {}): RemoteState {
  return {
    view: view(),
    env: [remoteFile('challenge.toml', TOML), remoteFile('env.py', ENV_PY)],
    benchmark: [remoteFile('agent.py', 'class Agent:\n    pass\n')],
    overview: '',
    tags: [],
    ...overrides
  }
}
