/**
 * Lesson bodies: the `mlarena:` directives a lesson's markdown may carry, found and checked.
 * Pure functions; the store resolves a directive's challenge against what the caller may see.
 *
 * What the SDK documents (4.4.0 `preview_lesson`, `lesson`): the preview validates the body's
 * `mlarena:` directives in strict mode — an unknown or unresolvable one is a 400 — and answers
 * `{directives, warnings}`; the learner page carries `body_md`, `directives` and
 * `directive_warnings`. The only directive any SDK shows is the SDK's own test's
 * "```mlarena:leaderboard id=1```" (tests/test_course_content.py), so that is the only one this
 * emulator knows; every other name, and every argument but `id`, is refused by the preview and
 * becomes a warning on the learner page (emulator/courses/README.md lists the choice).
 */

export interface DirectiveUse {
  /** 1-based line of the body where the fence opens. */
  line: number
  name: string
  args: Record<string, string>
  /** The opening line as written (for messages). */
  source: string
}

export interface DirectiveProblem {
  line: number
  message: string
}

/** An opening fence whose info string starts with `mlarena:` (the inline ```…``` form too). */
const OPENING = /^\s{0,3}(`{3,}|~{3,})\s*mlarena:([^\s`]*)(.*)$/

/** Finds every `mlarena:` fence of a markdown body, in order. */
export function findDirectives(body: string): DirectiveUse[] {
  const uses: DirectiveUse[] = []
  const lines = body.split(/\r?\n/)
  let open: string | null = null
  lines.forEach((text, index) => {
    if (open !== null) {
      // Inside a fence (ours or another): only a closing fence ends it — the same character,
      // at least as long, and nothing after it (CommonMark), so a fenced example is not read.
      const close = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(text)?.[1]
      if (close !== undefined && close[0] === open[0] && close.length >= open.length) open = null
      return
    }
    const fence = /^\s{0,3}(`{3,}|~{3,})/.exec(text)
    if (!fence) return
    const marker = fence[1] as string
    const match = OPENING.exec(text)
    let rest = match ? (match[3] as string) : ''
    const inline = match !== null && rest.trimEnd().endsWith(marker)
    if (inline) rest = rest.trimEnd().slice(0, -marker.length)
    if (!inline) open = marker
    if (!match) return
    uses.push({
      line: index + 1,
      name: match[2] as string,
      args: parseArgs(rest),
      source: text.trim()
    })
  })
  return uses
}

function parseArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {}
  for (const token of text
    .trim()
    .split(/\s+/)
    .filter(t => t.length > 0)) {
    const eq = token.indexOf('=')
    if (eq <= 0) args[token] = ''
    else args[token.slice(0, eq)] = token.slice(eq + 1)
  }
  return args
}

/** The one documented directive: `mlarena:leaderboard id=<challenge id>`. */
export function leaderboardId(use: DirectiveUse): number | DirectiveProblem {
  const where = `line ${use.line} (${use.source})`
  if (use.name !== 'leaderboard')
    return {
      line: use.line,
      message: `Unknown directive "mlarena:${use.name}" at ${where}: this server knows mlarena:leaderboard id=<challenge id>`
    }
  const extra = Object.keys(use.args).filter(k => k !== 'id')
  if (extra.length > 0)
    return {
      line: use.line,
      message: `Unknown argument(s) ${extra.join(', ')} of mlarena:leaderboard at ${where}: it takes id=<challenge id>`
    }
  const raw = use.args.id
  if (raw === undefined || !/^\d{1,9}$/.test(raw))
    return {
      line: use.line,
      message: `mlarena:leaderboard at ${where} needs id=<challenge id> (an integer)`
    }
  return Number(raw)
}
