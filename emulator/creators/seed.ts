/**
 * Seeded creator challenges (README.md, "Creator routes", documents them): alice's draft with an
 * env folder, a config and a benchmark agent that has never been benchmarked (what a demo starts
 * from), and bob's hidden draft (another creator's challenge: 404 to alice).
 */
import { fileFromText, type CreatorStore } from './store.ts'
import { findKind, type Kind } from './kinds.ts'
import { USERS } from '../platform/world.ts'

export const CREATOR_CHALLENGES = { aliceDraft: 10, bobHidden: 11 } as const

export const SEEDED_ENV_PY = `"""Grid Maze: reach the far corner of the grid in as few steps as possible."""


class Env:
    def __init__(self, size=8, max_steps=200):
        self.size = size
        self.max_steps = max_steps

    def evaluate(self, agents):
        agent = agents[0]
        position = (0, 0)
        steps = 0
        goal = (self.size - 1, self.size - 1)
        while position != goal and steps < self.max_steps:
            move = agent.act({"position": position, "size": self.size})
            position = self._step(position, move)
            steps += 1
        score = float(self.max_steps - steps)
        return {"agent_results": [{"score": score, "metrics": {"steps": steps}}]}

    def _step(self, position, move):
        x, y = position
        dx, dy = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}.get(move, (0, 0))
        clamp = lambda v: min(max(v, 0), self.size - 1)
        return (clamp(x + dx), clamp(y + dy))
`

export const SEEDED_CHALLENGE_TOML = `#:schema https://ml-arena.com/api/creator_challenge/config_schema.json
simulation_timeout_sec = 300
agent_max_time_per_step_second = 0.5
max_upload_files = 5

[[metrics]]
key = "reward"
label = "Reward"
source = "score"
agg = "mean"
order = "desc"
format = "number"
unit = "pts"
precision = 2
is_ranking = true
visible = true

[[metrics]]
key = "steps"
label = "Steps"
source = "env"
agg = "mean"
order = "asc"
format = "integer"
unit = "steps"
precision = 0
is_ranking = false
visible = true
`

export const SEEDED_BENCHMARK_AGENT = `class Agent:
    """Walks right to the wall, then down: always reaches the goal."""

    def act(self, observation):
        x, _ = observation["position"]
        return "right" if x < observation["size"] - 1 else "down"
`

const POND_ENV_PY = `class Env:
    def evaluate(self, agents):
        return {"agent_results": [{"score": 0.0} for _ in agents]}
`

export function seedCreatorChallenges(store: CreatorStore, t: number): void {
  const flex = findKind('flex_v1') as Kind
  const maze = store.register({
    id: CREATOR_CHALLENGES.aliceDraft,
    owner: USERS.alice,
    kind: flex,
    name: 'Grid Maze',
    description: 'Reach the far corner of an 8×8 grid in as few steps as possible.',
    isPublic: false,
    t,
    scenario: 'creator-draft'
  })
  const files: [string, string][] = [
    ['env.py', SEEDED_ENV_PY],
    ['challenge.toml', SEEDED_CHALLENGE_TOML],
    ['requirements.txt', 'numpy==1.26.4\n']
  ]
  for (const [name, text] of files) {
    const outcome = store.putEnvFile(maze, fileFromText(name, text, t))
    if (outcome.kind === 'refused')
      throw new Error(`seed ${name} refused: ${outcome.errors.join('; ')}`)
  }
  store.putBenchmarkFile(maze, fileFromText('agent.py', SEEDED_BENCHMARK_AGENT, t))
  store.setTags(maze, [])

  const pong = store.register({
    id: CREATOR_CHALLENGES.bobHidden,
    owner: USERS.bob,
    kind: flex,
    name: "Pong Duel (bob's draft)",
    description: '',
    isPublic: false,
    t,
    scenario: 'creator-hidden'
  })
  store.putEnvFile(pong, fileFromText('env.py', POND_ENV_PY, t))
}
