/**
 * Suite 4, untrusted text: names, messages and logs that came from ML Arena must render as the
 * same text, never as markup. End to end: other participants (bob) put hostile agents at the top
 * of the board (javascript: links, tracking pixels, <details>, bidi overrides, a forged sticky
 * marker, HTML comment ends), the emulator's own hostile names and log lines are there too, and
 * our agent's name is hostile; the bundled action's job summary and PR comment are rendered with
 * micromark + GFM and inspected. Then the report layer alone with hostile text in every field.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ArenaClient } from '../../src/arena/client.js'
import type { RunOutcome } from '../../src/evaluation/outcome.js'
import { renderComment } from '../../src/evaluation/report/comment.js'
import { findMarker, renderMarker } from '../../src/evaluation/report/marker.js'
import { renderSummary } from '../../src/evaluation/report/summary.js'
import { COMPETITIONS, HOSTILE_NAMES, MARKERS, startEmulator } from '../../emulator/index.ts'
import { runAction } from '../support/action-runner.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { games, log, row, sampleBoard, status, successOutcome } from '../support/outcomes.ts'
import { AGENT_PY, makeWorkspace, NOON_UTC } from './support/fault-run.ts'
import { markdownProblems, renderHtml, textOf } from './support/markdown-check.ts'
import { startTicker } from './support/scenario.ts'

/** Agent names other participants choose (at most 100 characters, as ML Arena allows). */
const ATTACKS: { name: string; shows: string }[] = [
  { name: '[win a prize](javascript:alert(document.cookie))', shows: 'alert(document.cookie)' },
  { name: '<a href="javascript:alert(1)">click</a> here', shows: 'javascript:alert(1)' },
  { name: '<img src="https://evil.example/pixel.gif" width=1 height=1>', shows: 'pixel.gif' },
  { name: '![](https://evil.example/track.gif?u=octo) tracked', shows: 'track.gif' },
  { name: '<details open><summary>Click</summary>hidden</details>', shows: '<summary>Click' },
  { name: '\u2066\u202Eexe.fdp\u202C\u2069 invoice', shows: 'exe.fdp' },
  { name: '@octo-org/admins GH-42 #7 www.evil.example x@evil.example', shows: 'admins' },
  { name: '--><script>alert(1)</script><!--', shows: '<script>alert(1)</script>' },
  {
    name: `<!-- mlarena-action:v1 key=${Buffer.from('1:mine').toString('base64url')} rank=1 score=9 agent=1 -->`,
    shows: 'mlarena-action:v1'
  }
]
/** Our agent's score: above every synthetic row of the board. */
const SCORE = 1_000_000
const OUR_NAME = '<b>mine</b> @everyone [x](javascript:1) #1 --> evil'

const folders: string[] = []
afterAll(async () => {
  await Promise.all(folders.map(dir => rm(dir, { recursive: true, force: true })))
})

describe.each(['current', 'legacy'] as const)('hostile text end to end (%s wire)', wire => {
  it('renders the summary and the comment as inert text, and the marker still parses', async () => {
    const emu = await startEmulator({ wire, speed: 'manual', seed: 31, startTime: NOON_UTC })
    const github = await new FakeGitHub().start()
    const ws = await makeWorkspace({
      'agent.py': `${AGENT_PY}# MLARENA_EMULATOR:${MARKERS.SCORE}=${SCORE}\n`
    })
    folders.push(ws.dir)
    try {
      // Bob's hostile agents, scored to fill the top five rows and the two rows on each side
      // of ours (the rows a report shows).
      const bob = new ArenaClient({ baseUrl: emu.baseUrl, token: emu.tokens.otherUser, wire })
      for (const [i, attack] of ATTACKS.entries()) {
        const file = path.join(ws.dir, `bob-${i}.py`)
        const score = SCORE + [14, 13, 12, 11, 10, 2, 1, -1, -2][i]!
        await writeFile(file, `${AGENT_PY}# MLARENA_EMULATOR:${MARKERS.SCORE}=${score}\n`)
        const agent = await bob.createAgent(COMPETITIONS.normal, attack.name)
        await bob.uploadFile(COMPETITIONS.normal, agent.id, {
          name: 'agent.py',
          path: file,
          size: 1
        })
        await bob.deploy(COMPETITIONS.normal, agent.id)
        emu.settle(agent.id)
      }
      await bob.close()

      const stop = startTicker(emu)
      const run = await runAction({
        workspace: ws.dir,
        githubApiUrl: github.url,
        eventName: 'pull_request',
        event: {
          number: 5,
          pull_request: {
            number: 5,
            user: { login: 'octo' },
            head: { sha: 'abc123', repo: { full_name: 'octo/agent-repo' } },
            base: { repo: { full_name: 'octo/agent-repo' } }
          }
        },
        inputs: {
          'api-key': emu.tokens.user,
          'base-url': emu.baseUrl,
          'competition-id': String(COMPETITIONS.normal),
          files: 'agent.py',
          'agent-name': OUR_NAME,
          'poll-interval-seconds': '0.05',
          logs: '5',
          'github-token': 'ghs_untrusted'
        }
      }).finally(stop)
      expect({ outcome: run.outputs.outcome, errors: run.stdout.match(/^::error::.*$/gm) }).toEqual(
        {
          outcome: 'success',
          errors: null
        }
      )
      const [comment, ...more] = github.commentsOn(5)
      expect(more).toHaveLength(0)
      const body = comment?.body ?? ''

      const ours = (href: string): boolean => href.startsWith(`${emu.baseUrl}/`)
      expect(markdownProblems(run.summary, { ownLink: ours, comment: false })).toEqual([])
      expect(markdownProblems(body, { ownLink: ours, comment: true })).toEqual([])
      expect(findMarker(body, `${COMPETITIONS.normal}:${OUR_NAME}`)).toMatchObject({
        agentId: Number(run.outputs['agent-id']),
        rank: Number(run.outputs.rank)
      })

      // The hostile text is there, shown as text: the checks above were not vacuous.
      const shown = textOf(renderHtml(run.summary))
      for (const attack of ATTACKS) expect(shown).toContain(attack.shows)
      expect(shown).toContain('<b>mine</b>')
      // The game logs end in a hostile line; their tails are shown as text too.
      expect(run.summary).toContain('&lt;script&gt;')
      expect(textOf(renderHtml(body))).toContain('<summary>Click')
    } finally {
      await github.close()
      await emu.close()
    }
  })
})

/** An outcome with hostile text in every field that comes from ML Arena or the workspace. */
function hostileOutcome(text: string): RunOutcome {
  const outcome = successOutcome()
  const board = sampleBoard()
  board.rows.forEach((entry, i) => {
    entry.agentName = `${text} ${i}`
    entry.username = text
    entry.teamName = text
  })
  outcome.competition = { ...outcome.competition!, name: text, description: text, kindLabel: text }
  outcome.agentName = text
  outcome.runtime = {
    option: { ...outcome.runtime!.option, displayName: text, framework: text },
    spec: text,
    matched: 2,
    pin: text
  }
  outcome.files = [
    { name: text.slice(0, 200), path: 'a', size: 10 },
    { name: `${text.slice(0, 50)}.py`, path: 'b', size: 20 }
  ]
  outcome.status = status({
    state: 'deploy_failed',
    message: text,
    runs: [
      { ...status().runs[0]!, failed: true, errorType: text, errorMessage: text, outcome: text }
    ]
  })
  outcome.kind = 'deploy-failed'
  outcome.games = games(30).map(game => ({ ...game, outcome: text }))
  outcome.logs = [log(9000, `${text}\n${text}\nEND`), log(8999, text.repeat(3))]
  outcome.notes = [text, `${text} again`]
  outcome.failure = { phase: 'watch', message: text }
  outcome.rank = {
    ...outcome.rank!,
    row: row(3, { agentName: text, username: text, isMine: true }),
    top: board.rows.slice(0, 5),
    neighbours: board.rows.slice(1, 6),
    bestOther: row(2, { agentName: text, username: text })
  }
  return outcome
}

describe('the report layer with hostile text in every field', () => {
  const texts = [...HOSTILE_NAMES, ...ATTACKS.map(attack => attack.name), OUR_NAME]
  it.each(texts.map(text => [JSON.stringify(text).slice(0, 60), text]))('%s', (_, text) => {
    const outcome = hostileOutcome(text)
    const ours = (href: string): boolean => href.startsWith('https://ml-arena.com/')
    const summary = renderSummary(outcome)
    const comment = renderComment(
      outcome,
      renderMarker(outcome.commentKey, { rank: 3, score: 1, agentId: 1 })
    )
    expect(markdownProblems(summary, { ownLink: ours, comment: false })).toEqual([])
    expect(markdownProblems(comment, { ownLink: ours, comment: true })).toEqual([])
    expect(findMarker(comment, outcome.commentKey)).toEqual({ rank: 3, score: 1, agentId: 1 })
  })
})
