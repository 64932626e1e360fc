import { describe, expect, it } from '@jest/globals'
import { apiRoot, BaseUrlError } from '../../src/arena/base-url.js'

describe('apiRoot', () => {
  it.each([
    ['https://ml-arena.com', 'https://ml-arena.com/api'],
    ['https://ml-arena.com/', 'https://ml-arena.com/api'],
    ['https://ml-arena.com///', 'https://ml-arena.com/api'],
    ['  https://ml-arena.com  ', 'https://ml-arena.com/api'],
    ['https://example.org/mlarena/', 'https://example.org/mlarena/api'],
    ['http://localhost:5000', 'http://localhost:5000/api'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/api'],
    ['http://[::1]:5000', 'http://[::1]:5000/api']
  ])('%s → %s', (input, expected) => {
    expect(apiRoot(input)).toBe(expected)
  })

  it.each([
    ['http://ml-arena.com', /unencrypted/],
    ['http://10.0.0.5:5000', /unencrypted/],
    ['https://user:pw@ml-arena.com', /credentials/],
    ['https://ml-arena.com/?x=1', /query string or a fragment/],
    ['https://ml-arena.com/#top', /query string or a fragment/],
    ['https://ml-arena.com/?', /query string or a fragment/],
    ['https://ml-arena.com/api', /must not end with \/api/],
    ['ftp://ml-arena.com', /https:\/\//],
    ['ml-arena.com', /not a URL/]
  ])('refuses %s', (input, message) => {
    expect(() => apiRoot(input)).toThrow(BaseUrlError)
    expect(() => apiRoot(input)).toThrow(message)
  })

  it('does not echo credentials in its message', () => {
    expect(() => apiRoot('https://me:hunter2@ml-arena.com')).not.toThrow(/hunter2/)
  })
})
