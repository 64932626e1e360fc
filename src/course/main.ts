/**
 * run(): the teacher action. Reads the inputs, finds (or creates once) the course, builds the
 * class report, and writes it: the job summary, the CSV file, the outputs. The one place that
 * catches errors and fails the step.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { arenaClientForRun } from '../github/arena-client.js'
import { LocalFileError } from '../arena/errors.js'
import { ActionError } from '../errors.js'
import { oneLine } from '../format.js'
import { readCourseConfig } from './config.js'
import { actionsRunner, type RunnerSide } from './github.js'
import { runClassReport } from './pipeline.js'
import { renderClassCsv } from './report/csv.js'
import { renderClassSummary } from './report/summary.js'

export async function run(runner: RunnerSide = actionsRunner): Promise<void> {
  const outputs: Record<string, string> = {
    'course-id': '',
    'join-code': '',
    enrolled: '',
    passed: '',
    'report-path': '',
    'platform-csv-path': ''
  }
  try {
    const config = readCourseConfig(name => runner.getInput(name), runner.env)
    runner.setSecret(config.apiKey)
    const arena = arenaClientForRun(
      { baseUrl: config.baseUrl, token: config.apiKey, wire: config.apiWire },
      runner,
      'mlarena-action-course'
    )
    const result = await runClassReport(arena, config, runner.log)
    const { report, course } = result
    outputs['course-id'] = String(course.id)
    outputs['join-code'] = course.joinCode ?? ''
    if (report) {
      outputs.enrolled = String(report.enrolled)
      outputs.passed = report.passThreshold === null ? '' : String(report.passedCount)
      try {
        await mkdir(path.dirname(config.reportPath), { recursive: true })
        await writeFile(config.reportPath, renderClassCsv(report), 'utf8')
      } catch (error) {
        throw new LocalFileError('write', config.reportPath, error)
      }
      outputs['report-path'] = config.reportPath
      runner.log.info(`Wrote the class report as CSV: ${config.reportPath}`)
    }
    // ML Arena's own export, beside ours (same folder, the name the SDK saves it under).
    let platformCsvPath: string | null = null
    if (result.platformCsv) {
      platformCsvPath = path.join(path.dirname(config.reportPath), result.platformCsv.name)
      try {
        await mkdir(path.dirname(platformCsvPath), { recursive: true })
        await writeFile(platformCsvPath, result.platformCsv.text, 'utf8')
      } catch (error) {
        throw new LocalFileError('write', platformCsvPath, error)
      }
      outputs['platform-csv-path'] = platformCsvPath
      runner.log.info(`Wrote ML Arena's own CSV export of the course: ${platformCsvPath}`)
    }

    if (config.summary) {
      const markdown = renderClassSummary({
        course,
        report,
        csvPath: report ? config.reportPath : null,
        platformCsvPath,
        created: result.created
      })
      await runner.writeSummary(markdown).catch(error => {
        runner.log.warning(
          `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
        )
      })
    }
    await arena.close()
  } catch (error) {
    if (!(error instanceof ActionError) && error instanceof Error && error.stack)
      runner.debug(error.stack)
    const message =
      error instanceof ActionError
        ? error.message
        : `Unexpected error (a bug in mlarena-action, please report it): ${error instanceof Error ? error.message : String(error)}`
    runner.setFailed(oneLine(message, 2000))
  } finally {
    for (const [name, value] of Object.entries(outputs)) runner.setOutput(name, value)
  }
}
