/**
 * Lets Node run src/ from its TypeScript sources: src/ imports its siblings as './x.js'
 * (NodeNext), and this resolve hook falls back to './x.ts'. Import it before src/ is loaded;
 * static imports are linked before any module runs, so load src/ with `await import()` after it.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js'))
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  }
})
