/**
 * docs/reference/ is exactly what `npm run docs:reference` writes from each action.yml: a
 * changed input, default or description fails here until the pages are generated again. An
 * action whose action.yml is not here (yet) has no page.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ACTIONS, ROOT, pagePath, referencePage } from '../../scripts/docs-reference.ts'

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8')

describe('docs/reference: generated from each action.yml', () => {
  it.each(ACTIONS.map(action => [action.page, action] as const))(
    '%s.md is what npm run docs:reference writes',
    async (_, action) => {
      const page = path.relative(ROOT, pagePath(action))
      if (!existsSync(path.join(ROOT, action.file))) {
        // An action another branch is still adding: no page until its action.yml is here.
        expect({ page, exists: existsSync(pagePath(action)) }).toEqual({ page, exists: false })
        return
      }
      const expected = await referencePage(action, read(action.file))
      const committed = existsSync(pagePath(action)) ? read(page) : '(missing)'
      if (committed !== expected) {
        throw new Error(`${page} is not what ${action.file} gives: run npm run docs:reference`)
      }
    }
  )

  it('would notice a changed description (the comparison can fail)', async () => {
    const [submit] = ACTIONS
    if (!submit) throw new Error('no actions')
    const changed = read(submit.file).replace(/description: '[^']+'/, "description: 'changed'")
    expect(await referencePage(submit, changed)).not.toBe(
      read(path.relative(ROOT, pagePath(submit)))
    )
  })
})
