/**
 * The emulator serves the keys SDK 4.4.0 (and 0.2.0, legacy) documents, route by route
 * (sdk-4.4-keys.ts): every documented key is there, and every key served is documented or
 * listed as the emulator's own choice. Answers are collected across the states a submission
 * goes through (created, queued, running, active, failed), since the status blocks keep the
 * same keys in every state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  COMPETITIONS,
  COURSES,
  COURSE_TOKENS,
  CREATOR_CHALLENGES,
  MARKERS,
  TIMING,
  TOKENS,
  type Emulator
} from '../../emulator/index.ts'
import { call, createAgent, readStatus, routes, start, uploadFile } from '../emulator/helpers.ts'
import { SDK_44_KEYS, type KeyList, type RouteFact } from './sdk-4.4-keys.ts'
import { keyProblems, objectsAt, type Json } from './check.ts'

describe('the key checker', () => {
  const list: KeyList = { at: 'a[]', keys: ['x', 'y'], optional: ['z'], source: 'test' }
  it('reports a missing key and an undocumented one, and passes an exact object', () => {
    const [first, second] = objectsAt(
      {
        a: [
          { x: 1, w: 2 },
          { x: 1, y: 2, z: 3 }
        ]
      },
      'a[]'
    )
    expect(keyProblems(first, list)).toEqual(['a[]: missing y', 'a[]: undocumented w'])
    expect(keyProblems(second, list)).toEqual([])
    expect(keyProblems(null, list)).toEqual(['a[] is null'])
    expect(keyProblems(null, { ...list, nullable: true })).toEqual([])
  })
  it('walks map values', () => {
    expect(objectsAt({ files: { 'a.py': { n: 1 }, 'b.py': { n: 2 } } }, 'files.*')).toEqual([
      { n: 1 },
      { n: 2 }
    ])
  })
  it('walks nested arrays', () => {
    expect(objectsAt([{ p: [{ n: 1 }, { n: 2 }] }, { p: [] }], '[].p[]')).toEqual([
      { n: 1 },
      { n: 2 }
    ])
  })
})

/** Answers per route id of the fact table, gathered in one scenario per wire. */
type Answers = Map<string, Json[]>

function add(answers: Answers, id: string, body: Json): void {
  const list = answers.get(id) ?? []
  list.push(body)
  answers.set(id, list)
}

async function ok(res: { status: number; body: Json; text: string }, expected: number[]) {
  if (!expected.includes(res.status))
    throw new Error(`expected ${expected.join('/')}, got ${res.status}: ${res.text.slice(0, 300)}`)
  return res.body
}

async function currentScenario(emu: Emulator): Promise<Answers> {
  const answers: Answers = new Map()
  const r = routes('current')
  const cid = COMPETITIONS.normal
  add(answers, 'challenges', await ok(await call(emu, 'GET', `${r.list}?per_page=100`), [200]))
  for (const c of [cid, COMPETITIONS.fileChallenge, COMPETITIONS.simulatorDown])
    add(answers, 'challenge', await ok(await call(emu, 'GET', r.competition(c)), [200]))
  add(answers, 'runtime_options', await ok(await call(emu, 'GET', r.runtimeOptions(cid)), [200]))

  // One submission through every state.
  const created = await call(emu, 'POST', r.create(cid), { json: { submission_name: 'keys' } })
  add(answers, 'create_submission', await ok(created, [201]))
  const aid = (created.body as { submission_id: number }).submission_id
  add(answers, 'submission_status', (await readStatus(emu, cid, aid)).body)
  add(
    answers,
    'submission_deploy_status',
    await ok(await call(emu, 'GET', r.deploy(cid, aid)), [200])
  )
  add(
    answers,
    'upload_submission_file',
    await ok(await uploadFile(emu, cid, aid, 'agent.py', 'a = 1\n'), [200])
  )
  add(answers, 'list_submission_files', await ok(await call(emu, 'GET', r.files(cid, aid)), [200]))
  add(
    answers,
    'get_submission_file_content',
    await ok(await call(emu, 'GET', r.content(cid, aid, 'agent.py')), [200])
  )
  add(answers, 'deploy_submission', await ok(await call(emu, 'PUT', r.deploy(cid, aid)), [202]))
  add(
    answers,
    'deploy_submission_refused',
    await ok(await call(emu, 'PUT', r.deploy(cid, aid)), [409])
  )
  emu.advance(TIMING.graceMs)
  add(answers, 'submission_status', (await readStatus(emu, cid, aid)).body) // deploy_queue
  emu.advance(10 * 60_000)
  add(answers, 'submission_status', (await readStatus(emu, cid, aid)).body) // deploy_run
  emu.settle(aid)
  add(answers, 'submission_status', (await readStatus(emu, cid, aid)).body) // active
  add(
    answers,
    'submission_deploy_status',
    await ok(await call(emu, 'GET', r.deploy(cid, aid)), [200])
  )
  add(answers, 'submission_games', await ok(await call(emu, 'GET', r.games(aid)), [200]))

  // A failed deploy, a crash of the env, a two-player challenge.
  for (const [comp, code] of [
    [cid, `# ${MARKERS.FAIL_IMPORT}\n`],
    [cid, `# ${MARKERS.CRASH_ONE}\n`],
    [COMPETITIONS.elo, 'class Agent: pass\n'],
    [COMPETITIONS.simulatorDown, 'class Agent: pass\n']
  ] as const) {
    const other = await createAgent(emu, comp, `keys-${comp}-${code.length}`)
    await uploadFile(emu, comp, other, 'agent.py', code)
    await ok(await call(emu, 'PUT', r.deploy(comp, other)), [202])
    emu.settle(other)
    add(answers, 'submission_status', (await readStatus(emu, comp, other)).body)
    add(answers, 'submission_deploy_status', (await call(emu, 'GET', r.deploy(comp, other))).body)
    add(answers, 'submission_games', await ok(await call(emu, 'GET', r.games(other)), [200]))
  }
  add(answers, 'my_submissions', await ok(await call(emu, 'GET', '/api/submissions/mine'), [200]))
  add(
    answers,
    'leaderboard',
    await ok(await call(emu, 'GET', `${r.board(cid)}?me=true&q=a`), [200])
  )

  // Courses: alice enrols in the Lunar course; its teacher follows the class.
  const enrol = await call(emu, 'POST', '/api/academic_courses/enroll/LUNAR7K2', {
    json: { student_email: 'alice@uni.example', student_number: 'S2000' }
  })
  add(answers, 'enroll_in_course', await ok(enrol, [200, 201]))
  add(
    answers,
    'enrollment_info',
    await ok(await call(emu, 'GET', '/api/academic_courses/enroll/LUNAR7K2'), [200])
  )
  add(
    answers,
    'list_courses',
    await ok(await call(emu, 'GET', '/api/academic_courses/?show_all=true'), [200])
  )
  const teacher = { token: COURSE_TOKENS.teacher }
  add(
    answers,
    'teacher_courses',
    await ok(await call(emu, 'GET', '/api/teacher/courses', teacher), [200])
  )
  add(
    answers,
    'course_leaderboard',
    await ok(await call(emu, 'GET', `${r.board(cid)}?course_id=${COURSES.lunar}`, teacher), [200])
  )
  for (const course of [COURSES.lunar, COURSES.twoChallenges]) {
    add(
      answers,
      'course_students',
      await ok(await call(emu, 'GET', `/api/teacher/students/${course}`, teacher), [200])
    )
    add(
      answers,
      'course_progress',
      await ok(await call(emu, 'GET', `/api/teacher/course/${course}/progress`, teacher), [200])
    )
  }

  // Creator reads.
  const creator = { token: TOKENS.creator }
  const draft = CREATOR_CHALLENGES.aliceDraft
  add(
    answers,
    'creator_challenges',
    await ok(await call(emu, 'GET', '/api/creator_challenge/challenges', creator), [200])
  )
  add(
    answers,
    'challenge_tag_catalog',
    await ok(await call(emu, 'GET', '/api/challenge_tags/tags'), [200])
  )
  const catalog = (await call(emu, 'GET', '/api/challenge_tags/tags')).body as { id: number }[]
  await ok(
    await call(emu, 'PUT', `/api/creator_challenge/challenge/${draft}/tags`, {
      ...creator,
      json: { tag_ids: catalog.slice(0, 2).map(t => t.id) }
    }),
    [200]
  )
  add(
    answers,
    'challenge_tags',
    await ok(
      await call(emu, 'GET', `/api/creator_challenge/challenge/${draft}/tags`, creator),
      [200]
    )
  )
  add(
    answers,
    'benchmark_status',
    await ok(
      await call(emu, 'GET', `/api/creator_challenge/challenge/${draft}/benchmark/status`, creator),
      [200]
    )
  )
  return answers
}

async function legacyScenario(emu: Emulator): Promise<Answers> {
  const answers: Answers = new Map()
  const cid = COMPETITIONS.normal
  const r = routes('legacy')
  const created = await call(emu, 'POST', r.create(cid), { json: { agent_name: 'legacy-keys' } })
  add(answers, 'legacy_create_attached_agent', await ok(created, [200, 201]))
  const aid = (created.body as { attache_agent_id: number }).attache_agent_id
  add(answers, 'legacy_agent_status', (await readStatus(emu, cid, aid)).body)
  add(
    answers,
    'legacy_update_agent_file_content',
    await ok(await uploadFile(emu, cid, aid, 'agent.py', 'a = 1\n'), [200])
  )
  await ok(await call(emu, 'PUT', r.deploy(cid, aid)), [200])
  emu.advance(TIMING.graceMs)
  add(answers, 'legacy_agent_status', (await readStatus(emu, cid, aid)).body) // deploy_queue
  emu.settle(aid)
  add(answers, 'legacy_agent_status', (await readStatus(emu, cid, aid)).body)
  add(answers, 'legacy_agent_games', await ok(await call(emu, 'GET', r.games(aid)), [200]))
  return answers
}

function checkRoute(fact: RouteFact, answers: Answers): string[] {
  const bodies = answers.get(fact.id)
  if (!bodies || bodies.length === 0) return [`no answer collected for ${fact.id}`]
  const problems: string[] = []
  for (const list of fact.shapes) {
    const objects = bodies.flatMap(body => objectsAt(body, list.at))
    const present = objects.filter(o => o !== null)
    if (present.length === 0 && !list.nullable)
      problems.push(`${list.at || '(answer)'}: no object found to check`)
    for (const object of objects) problems.push(...keyProblems(object, list))
  }
  return [...new Set(problems)]
}

/**
 * Creator routes are another helper's part of the emulator: where they do not yet serve the
 * documented keys the test states it (test.failing), so it turns red the day they do.
 */
const KNOWN_CREATOR_GAPS = new Set<string>([
  // rows carry an undocumented challenge_id beside id
  'creator_challenges'
])

describe.each(['current', 'legacy'] as const)('the %s wire serves the documented keys', wire => {
  let emu: Emulator
  let answers: Answers
  beforeAll(async () => {
    emu = await start({ wire })
    answers = wire === 'current' ? await currentScenario(emu) : await legacyScenario(emu)
  })
  afterAll(() => emu.close())

  for (const fact of SDK_44_KEYS.filter(f => f.wire === wire)) {
    const test = KNOWN_CREATOR_GAPS.has(fact.id) ? it.failing : it
    test(`${fact.method} ${fact.route} (${fact.sdk})`, () => {
      expect(checkRoute(fact, answers)).toEqual([])
    })
  }
})
