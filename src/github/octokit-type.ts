/** The Octokit type the GitHub helpers take (a type only: importing it loads nothing). */
import type { GitHub } from '@actions/github/lib/utils'

export type Octokit = InstanceType<typeof GitHub>
