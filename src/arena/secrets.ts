/**
 * Signed URLs are credentials until they expire. These helpers find the secret parts of one (to
 * hand them to the secret masker) and print one without its query string.
 */

/** Query parameters that carry a signature or a credential in the signing schemes in use. */
const SECRET_PARAM = /sig|signature|token|credential|key|policy|auth/i

/**
 * The secret values of a signed URL's query, each as the URL spells it, decoded, and
 * URL-encoded (the three may differ), so that a masker catches whichever form gets printed.
 */
export function urlSecrets(url: string): string[] {
  const query = queryOf(url)
  if (query === '') return []
  const found = new Set<string>()
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const name = safeDecode(pair.slice(0, eq))
    const spelled = pair.slice(eq + 1)
    if (!SECRET_PARAM.test(name) || spelled === '') continue
    const decoded = safeDecode(spelled.replace(/\+/g, ' '))
    found.add(spelled)
    found.add(decoded)
    found.add(encodeURIComponent(decoded))
  }
  return [...found].filter(value => value.length >= 4)
}

/** The URL without its query string and fragment (`?…` marks that there was one). */
export function maskUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '<invalid URL>'
  }
  const auth = parsed.username || parsed.password ? '***@' : ''
  const hidden = parsed.search !== '' || parsed.hash !== '' ? '?…' : ''
  return `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname}${hidden}`
}

/** Every http(s) URL inside a text, masked. */
export function maskUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/gi, match => maskUrl(match))
}

function queryOf(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return ''
  const end = url.indexOf('#', start)
  return url.slice(start + 1, end < 0 ? undefined : end)
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
