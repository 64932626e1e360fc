/**
 * Loads src/github/toolkit.ts (@actions/github, Octokit and its plugins) on first use. The chunk
 * is named because ncc's licence file leaves out the packages of an unnamed one.
 */
import type * as ToolkitModule from './toolkit.js'

export type Toolkit = typeof ToolkitModule

export function loadToolkit(): Promise<Toolkit> {
  return import(/* webpackChunkName: "github" */ './toolkit.js')
}
