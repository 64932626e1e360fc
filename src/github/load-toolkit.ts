/**
 * Loads src/github/toolkit.ts (@actions/github, Octokit and its plugins) on first use, so runs
 * that never talk to GitHub (push, schedule) never load it.
 */
import type * as ToolkitModule from './toolkit.js'

export type Toolkit = typeof ToolkitModule

export function loadToolkit(): Promise<Toolkit> {
  return import(/* webpackChunkName: "github" */ './toolkit.js')
}
