/**
 * multipart/form-data bodies built by hand, so a file streams from disk with an exact
 * Content-Length and memory that does not grow with its size: preamble, the file's bytes as
 * they are read, epilogue.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { LocalFileError } from './errors.js'
import type { OpenedBody } from './http.js'

const CRLF = '\r\n'

/**
 * Bytes per read. Each read is a new buffer, freed only by a garbage collection, and collections
 * follow the count of chunks rather than their bytes: 32 KiB chunks keep a 1 GiB upload's peak
 * at ~20 MiB of such buffers where 64 KiB ones let it reach 40–65 MiB (bench/upload-memory.ts),
 * at the same speed.
 */
const READ_CHUNK = 32 * 1024

/** A quoted-string for Content-Disposition, escaped as browsers do (WHATWG HTML form encoding). */
export function quoteName(name: string): string {
  return `"${name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`
}

export function newBoundary(): string {
  return `----mlarena-action-${randomBytes(16).toString('hex')}`
}

/**
 * Opens `path` and returns a body with one part named `field` whose filename is `filename`.
 * The size is taken from the open file (not from an earlier stat) and exactly that many bytes
 * are sent. `onProgress(bytes)` reports the file's bytes handed to the connection so far;
 * `touch()` is called on every chunk.
 */
export async function openFilePart(
  path: string,
  field: string,
  filename: string,
  onChunk: (fileBytesSent: number, fileSize: number) => void,
  boundary = newBoundary()
): Promise<OpenedBody & { fileSize: number }> {
  let handle: FileHandle
  let size: number
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new LocalFileError('read', path, error)
  }
  try {
    size = (await handle.stat()).size
  } catch (error) {
    await handle.close()
    throw new LocalFileError('read', path, error)
  }
  const preamble = Buffer.from(
    `--${boundary}${CRLF}` +
      `Content-Disposition: form-data; name=${quoteName(field)}; filename=${quoteName(filename)}${CRLF}` +
      `Content-Type: application/octet-stream${CRLF}${CRLF}`,
    'utf8'
  )
  const epilogue = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, 'utf8')
  // An empty range would make createReadStream read the whole file: no stream for an empty one.
  const file =
    size > 0
      ? createReadStream('', { fd: handle, start: 0, end: size - 1, highWaterMark: READ_CHUNK })
      : null
  if (!file) await handle.close()

  async function* parts(): AsyncGenerator<Buffer> {
    yield preamble
    let sent = 0
    if (file) {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        sent += chunk.length
        onChunk(sent, size)
        yield chunk
      }
    } else {
      onChunk(0, 0)
    }
    yield epilogue
  }

  const stream = Readable.from(parts(), { objectMode: false })
  // Closing the body (on error, abort or retry) closes the file.
  stream.once('close', () => file?.destroy())
  return {
    stream,
    length: preamble.length + size + epilogue.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
    fileSize: size
  }
}

/** A body of plain form fields (e.g. `delete_file=<name>`). */
export function fieldsBody(fields: Record<string, string>, boundary = newBoundary()): OpenedBody {
  let text = ''
  for (const [name, value] of Object.entries(fields)) {
    text += `--${boundary}${CRLF}Content-Disposition: form-data; name=${quoteName(name)}${CRLF}${CRLF}${value}${CRLF}`
  }
  text += `--${boundary}--${CRLF}`
  const buffer = Buffer.from(text, 'utf8')
  return {
    stream: Readable.from([buffer]),
    length: buffer.length,
    contentType: `multipart/form-data; boundary=${boundary}`
  }
}
