/**
 * The creator's examples: examples/workflows/mlarena-challenge.yml passes only inputs the challenge
 * action has, with values it accepts, and reads only its outputs; examples/challenge/ is a
 * folder the action reads, whose challenge.toml is valid against the emulator's schema and whose
 * env.py passes the emulator's env check (both asked over HTTP, as the action asks).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { CREATOR_CHALLENGES, startEmulator, TOKENS } from '../../emulator/index.ts'
import { readChallengeConfig } from '../../src/challenge/config.js'
import { readChallengeFolder } from '../../src/challenge/folder.js'
import { metricFindings } from '../../src/challenge/metrics.js'
import { validateAgainstSchema } from '../../src/challenge/schema.js'
import { parseChallengeToml } from '../../src/challenge/toml.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const ACTION = parse(readFileSync(path.join(ROOT, 'challenge/action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
const WORKFLOW_TEXT = readFileSync(
  path.join(ROOT, 'examples/workflows/mlarena-challenge.yml'),
  'utf8'
)

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}

function challengeSteps(): Step[] {
  const workflow = parse(WORKFLOW_TEXT) as { jobs: Record<string, { steps: Step[] }> }
  return Object.values(workflow.jobs)
    .flatMap(job => job.steps)
    .filter(step => step.uses?.startsWith('mlarena/mlarena-action/challenge@'))
}

describe('examples/workflows/mlarena-challenge.yml', () => {
  const steps = challengeSteps()

  it('runs the challenge action, with inputs it has', () => {
    expect(steps).toHaveLength(1)
    const keys = Object.keys(steps[0]?.with ?? {})
    expect(keys.filter(key => !(key in ACTION.inputs))).toEqual([])
  })

  it('reads only outputs the challenge action has', () => {
    const read = [...WORKFLOW_TEXT.matchAll(/steps\.challenge\.outputs\.([\w-]+)/g)].map(m => m[1])
    expect(read.length).toBeGreaterThan(3)
    expect(read.filter(name => !((name as string) in ACTION.outputs))).toEqual([])
  })

  it.each(['push', 'pull_request'])('gives values the action accepts on %s', event => {
    const given = steps[0]?.with ?? {}
    const inputs: Record<string, string> = {}
    for (const [name, spec] of Object.entries(ACTION.inputs))
      if (typeof spec.default === 'string' && !spec.default.includes('${{'))
        inputs[name] = spec.default
    for (const [name, value] of Object.entries(given)) {
      const text = String(value)
      // Expressions are the runner's: a secret becomes a token, the start switch a boolean.
      inputs[name] = text.includes('secrets.')
        ? 'mlk_creator_abcd_s3cret'
        : text.includes('${{')
          ? String(event === 'push')
          : text
    }
    inputs.directory = 'examples/challenge'
    const config = readChallengeConfig(name => inputs[name] ?? '', {
      GITHUB_WORKSPACE: ROOT,
      GITHUB_EVENT_NAME: event
    })
    expect(config.mode).toBe(event === 'push' ? 'apply' : 'plan')
    expect(config.start).toBe(event === 'push')
    expect(config.tags).toEqual(['beginner', 'rl'])
  })
})

describe('examples/challenge/', () => {
  it('is a folder the action reads, valid against the schema and the env check', async () => {
    const local = await readChallengeFolder(path.join(ROOT, 'examples/challenge'), ROOT)
    expect(local.env.map(f => f.name)).toEqual(['challenge.toml', 'env.py', 'requirements.txt'])
    expect(local.benchmark.map(f => f.name)).toEqual(['agent.py'])
    expect(local.overview?.shown).toBe('examples/challenge/overview.md')
    const toml = local.env.find(f => f.name === 'challenge.toml')
    const parsed = parseChallengeToml(toml?.text ?? '')
    const emu = await startEmulator({ wire: 'current', speed: 'manual', seed: 1 })
    try {
      const api = `${emu.baseUrl}/api/creator_challenge`
      const schema = (await (await fetch(`${api}/config_schema.json`)).json()) as Record<
        string,
        unknown
      >
      expect(validateAgainstSchema(parsed, schema, toml?.shown ?? '')).toEqual([])
      expect(metricFindings(parsed, toml?.shown ?? '')).toEqual([])
      // ML Arena itself takes it: the file is applied when saved.
      const saved = await fetch(`${api}/challenge/${CREATOR_CHALLENGES.aliceDraft}/env/files`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKENS.creator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'challenge.toml', content: toml?.text ?? '' })
      })
      expect(saved.status).toBe(200)
      const envPy = local.env.find(f => f.name === 'env.py')
      const check = await fetch(`${api}/challenge/${CREATOR_CHALLENGES.aliceDraft}/env/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.creator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: envPy?.text ?? '' })
      })
      expect(await check.json()).toMatchObject({ valid: true, findings: [] })
    } finally {
      await emu.close()
    }
  })
})
