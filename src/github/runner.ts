/**
 * The GitHub Actions runner's protocol, as far as this action uses it: inputs (INPUT_*), log
 * lines and workflow commands on stdout (debug, notice, warning, error, add-mask, group), step
 * outputs (the GITHUB_OUTPUT file) and the job summary (the GITHUB_STEP_SUMMARY file). It
 * behaves as @actions/core 3 does for these calls, with the same names, so main.ts reads alike.
 *
 * Why not @actions/core: it imports its OIDC client, which brings @actions/http-client and a
 * second copy of undici (about 1 MB) into every run's bundle and start-up, for a feature this
 * action never uses. (@actions/glob still loads @actions/core, but only in runs that collect
 * files, in a chunk of its own.)
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { access, appendFile, constants, writeFile } from 'node:fs/promises'
import { EOL } from 'node:os'

/** The input's value, trimmed; '' when unset (as core.getInput). */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}

export function debug(message: string): void {
  issueCommand('debug', message)
}

export function notice(message: string): void {
  issueCommand('notice', message)
}

export function warning(message: string): void {
  issueCommand('warning', message)
}

export function error(message: string): void {
  issueCommand('error', message)
}

/** Asks the runner to mask `secret` in every later log line. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', secret)
}

/** Marks the step failed (exit code 1) and logs the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** Runs `fn` inside a collapsible group of the log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', name)
  try {
    return await fn()
  } finally {
    issueCommand('endgroup', '')
  }
}

/** A step output: appended to $GITHUB_OUTPUT with a random heredoc delimiter. */
export function setOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_OUTPUT
  if (file) {
    if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
    appendFileSync(file, `${keyValueMessage(name, value)}${EOL}`, { encoding: 'utf8' })
    return
  }
  // A runner without file commands (very old, or a local run): the deprecated command.
  process.stdout.write(EOL)
  process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}${EOL}`)
}

/** The job summary: text is buffered by addRaw and added to $GITHUB_STEP_SUMMARY by write. */
export class Summary {
  #buffer = ''

  addRaw(text: string, addEOL = false): this {
    this.#buffer += addEOL ? `${text}${EOL}` : text
    return this
  }

  async write(
    options: { overwrite?: boolean } = {},
    env: NodeJS.ProcessEnv = process.env
  ): Promise<void> {
    const file = env.GITHUB_STEP_SUMMARY
    if (!file) {
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
      )
    }
    try {
      await access(file, constants.R_OK | constants.W_OK)
    } catch {
      throw new Error(
        `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`
      )
    }
    const text = this.#buffer
    this.#buffer = ''
    await (options.overwrite ? writeFile : appendFile)(file, text, { encoding: 'utf8' })
  }
}

export const summary = new Summary()

/** `name<<delimiter`, the value, `delimiter`: a delimiter no name or value can contain. */
export function keyValueMessage(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: the output ${name} contains the delimiter "${delimiter}"`)
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}`
}

/** `::command::message`, the message escaped so it stays one line. */
export function commandLine(command: string, message: string): string {
  return `::${command}::${escapeData(message)}`
}

function issueCommand(command: string, message: string): void {
  process.stdout.write(`${commandLine(command, message)}${EOL}`)
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
