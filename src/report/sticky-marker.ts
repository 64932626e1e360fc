/**
 * The generic part of a sticky comment's marker: the key in base64url (UTF-8), so any key
 * round-trips and none can end the HTML comment early, and only a marker at the very start of
 * the body counts (the rest of a comment carries untrusted text, where a planted marker could
 * sit). src/evaluation/report/marker.ts keeps its own format; the challenge action uses this one.
 */
export function encodeMarkerKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

/** `<!-- <tag> key=<base64url> -->`; `tag` is a fixed word such as `mlarena-action:challenge:v1`. */
export function renderKeyMarker(tag: string, key: string): string {
  return `<!-- ${tag} key=${encodeMarkerKey(key)} -->`
}

/** The body starts (after a BOM and blank space) with this tag's marker for `key`. */
export function startsWithKeyMarker(body: string, tag: string, key: string): boolean {
  const prefix = /^\uFEFF?[ \t\r\n]*/.exec(body)?.[0] ?? ''
  return body.startsWith(renderKeyMarker(tag, key), prefix.length)
}
