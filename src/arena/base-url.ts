/**
 * The API root from the user's base URL: trailing `/` stripped, `/api` appended.
 *
 * A path prefix is allowed (`https://example.org/mlarena` → `https://example.org/mlarena/api`):
 * self-hosted backends may live behind a reverse proxy under one. Refused: credentials, a query
 * or a fragment (they would ride along on every request), a path that already ends in `/api`
 * (the client appends it), and plain http:// except to this machine (the token would cross the
 * network in clear text).
 */
import { ActionError } from '../errors.js'

export class BaseUrlError extends ActionError {
  override name = 'BaseUrlError'
}

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

export function apiRoot(raw: string): string {
  const value = raw.trim()
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new BaseUrlError(
      `The ML Arena base URL is not a URL: give one like https://ml-arena.com.`
    )
  }
  const shown = `${url.protocol}//${url.host}`
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BaseUrlError(`The ML Arena base URL must start with https:// (got ${url.protocol}).`)
  }
  if (url.username || url.password) {
    throw new BaseUrlError(
      `The ML Arena base URL must not contain credentials: the token goes in its own input.`
    )
  }
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    throw new BaseUrlError(
      `The ML Arena base URL (${shown}) must not have a query string or a fragment.`
    )
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
    throw new BaseUrlError(
      `The ML Arena base URL uses plain http:// to ${url.hostname}: the token would cross the network unencrypted. Use https://, or http:// only to localhost, 127.0.0.1 or ::1.`
    )
  }
  const path = url.pathname.replace(/\/+$/, '')
  if (/\/api$/i.test(path)) {
    throw new BaseUrlError(
      `The ML Arena base URL must not end with /api: the client adds it (give ${shown}${path.slice(0, -4)}).`
    )
  }
  return `${url.protocol}//${url.host}${path}/api`
}
