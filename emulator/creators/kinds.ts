/** The challenge kinds `create` accepts (`GET /available_kinds`): a kind is a kernel_version. */

export interface Kind {
  kernelVersion: string
  label: string
  description: string
  hasMachine: boolean
  /** The benchmark file a benchmark run needs. */
  benchmarkFile: string
  runtimeIds: number[]
  submissionFilename: string | null
  capabilities: Record<string, boolean>
}

const CODE_CAPABILITIES = {
  agent_template: true,
  benchmark: true,
  env_structural_check: true,
  runs: true,
  chat: false,
  submission_upload: true,
  submission_filename: false,
  elo: true,
  episode_budget_brackets: true,
  run_limits: true,
  agent_containers: true,
  multi_agent: true
}

export const KINDS: readonly Kind[] = [
  {
    kernelVersion: 'flex_v1',
    label: 'Code challenge',
    description: 'Participants upload an agent (agent.py and helpers); env.py plays it.',
    hasMachine: true,
    benchmarkFile: 'agent.py',
    runtimeIds: [1, 2, 3, 4],
    submissionFilename: null,
    capabilities: CODE_CAPABILITIES
  },
  {
    kernelVersion: 'file_v1',
    label: 'File challenge',
    description: 'Participants upload one prediction file; env.py scores it.',
    hasMachine: true,
    benchmarkFile: 'submission.csv',
    runtimeIds: [9],
    submissionFilename: 'submission.csv',
    capabilities: {
      ...CODE_CAPABILITIES,
      agent_template: false,
      submission_filename: true,
      elo: false,
      run_limits: false,
      agent_containers: false,
      multi_agent: false
    }
  },
  {
    kernelVersion: 'chat_v1',
    label: 'Chat challenge',
    description: 'Participants chat with an LLM judge (this emulator has no machine for it).',
    hasMachine: false,
    benchmarkFile: 'agent.py',
    runtimeIds: [],
    submissionFilename: null,
    capabilities: { ...CODE_CAPABILITIES, chat: true, benchmark: false }
  }
]

export function findKind(kernelVersion: string): Kind | undefined {
  return KINDS.find(k => k.kernelVersion === kernelVersion)
}

export function kindPayload(kind: Kind): Record<string, unknown> {
  return {
    kernel_version: kind.kernelVersion,
    label: kind.label,
    description: kind.description,
    protocol: 'flexkit',
    isolation: 'container',
    has_machine: kind.hasMachine,
    capabilities: kind.capabilities,
    runtime_defaults: {
      env_cpu_request: '500m',
      env_cpu_limit: '1',
      env_memory_request: '1Gi',
      env_memory_limit: '2Gi',
      agent_cpu_request: '250m',
      agent_cpu_limit: '1',
      agent_memory_request: '512Mi',
      agent_memory_limit: '1Gi',
      agent_ephemeral_storage_limit: '1Gi'
    },
    runtime_presets: {
      small: { env_memory_limit: '1Gi', agent_memory_limit: '512Mi' },
      medium: { env_memory_limit: '2Gi', agent_memory_limit: '1Gi' },
      large: { env_memory_limit: '8Gi', agent_memory_limit: '4Gi' }
    },
    minimal_loop_snippet:
      'class Env:\n    def evaluate(self, agents):\n        return {"agent_results": [{"score": 0.0}]}\n'
  }
}
