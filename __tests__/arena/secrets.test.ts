import { describe, expect, it } from '@jest/globals'
import { maskUrl, maskUrlsIn, urlSecrets } from '../../src/arena/secrets.js'
import { oneLineText, serverTextOf } from '../../src/arena/errors.js'

describe('urlSecrets', () => {
  it('returns each signature as spelled, decoded and URL-encoded; not the expiry', () => {
    const secrets = urlSecrets(
      'https://storage.example/logs/k?expires=1700000000&signature=ab%2Fcd%2B%3D%3Dxyz'
    )
    expect(secrets).toEqual(expect.arrayContaining(['ab%2Fcd%2B%3D%3Dxyz', 'ab/cd+==xyz']))
    expect(secrets).not.toContain('1700000000')
  })
  it('knows the common signing schemes', () => {
    const secrets = urlSecrets(
      'https://s3.example/b/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&X-Amz-Date=20260101'
    )
    expect(secrets).toEqual(expect.arrayContaining(['deadbeef', 'AKIA/1', 'AKIA%2F1']))
    expect(secrets).not.toContain('20260101')
  })
  it('returns nothing for a URL without a query', () => {
    expect(urlSecrets('https://storage.example/logs/k')).toEqual([])
  })
})

describe('maskUrl', () => {
  it('drops the query and fragment, and credentials', () => {
    expect(maskUrl('https://storage.example:8443/logs/k?signature=abc#x')).toBe(
      'https://storage.example:8443/logs/k?…'
    )
    expect(maskUrl('https://u:p@h.example/p')).toBe('https://***@h.example/p')
    expect(maskUrl('not a url')).toBe('<invalid URL>')
  })
  it('masks every URL inside a text', () => {
    expect(maskUrlsIn('see http://a.example/x?signature=s and https://b.example/y')).toBe(
      'see http://a.example/x?… and https://b.example/y'
    )
  })
})

describe('server text', () => {
  it('takes the JSON error field, else the raw text on one line', () => {
    expect(serverTextOf('{"error": "daily deploy limit reached"}')).toBe(
      'daily deploy limit reached'
    )
    expect(serverTextOf('<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>')).toBe(
      '502 Bad Gateway nginx'
    )
    expect(serverTextOf('{"error": "bad\\nline\\u202e"}')).toBe('bad line')
  })
  it('caps the length', () => {
    const long = oneLineText('x'.repeat(5000))
    expect(long.length).toBe(300)
    expect(long.endsWith('…')).toBe(true)
  })
})
