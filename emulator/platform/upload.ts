/**
 * Streams a multipart upload: one part named `file` (its filename is the file's name inside the
 * agent), or a form field `delete_file=<name>` (both SDKs send that one form-urlencoded:
 * `requests`' `data={"delete_file": name}`; a multipart field is accepted too). The bytes are hashed and counted as they pass;
 * only the first 64 KiB are kept (for `content` reads and binary detection). Nothing is written
 * to disk and memory does not grow with the file's size.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import busboy from 'busboy'
import { MarkerScanner } from './markers.ts'

export const HEAD_BYTES = 64 * 1024

export interface ReceivedFile {
  name: string
  size: number
  sha256: string
  /** The first HEAD_BYTES bytes (or the rules' keepBytes). */
  head: Buffer
  markers: string[]
  scoreOverride: number | null
}

export type UploadForm =
  | { kind: 'file'; file: ReceivedFile }
  | { kind: 'delete'; name: string }
  /** The body was read to the end, but the request is refused. */
  | { kind: 'refused'; status: number; error: string }

export interface UploadRules {
  /** Called when the file part starts: an error message refuses the file (its bytes are drained). */
  checkName(name: string): string | null
  /** Largest size this file may have, given the agent's other files. */
  maxBytes(name: string): number
  describeLimit(name: string, size: number): string
  /** Bytes of the file to keep in `head` (default HEAD_BYTES; the creator cover keeps it whole). */
  keepBytes?: number
}

/** Reads the whole request body; resolves once it has been consumed. Rejects if the client goes away. */
export function receiveUpload(req: IncomingMessage, rules: UploadRules): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    const contentType = req.headers['content-type'] ?? ''
    // Both SDKs send `delete_file` as `requests`' `data=`: application/x-www-form-urlencoded
    // (0.2.0 and 4.4.0 `delete_submission_file`); busboy reads both encodings.
    if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) {
      req.resume()
      req.once('end', () =>
        resolve({
          kind: 'refused',
          status: 400,
          error:
            'An upload must be multipart/form-data with one part named "file" (a delete: a delete_file form field)'
        })
      )
      return
    }
    let parser: busboy.Busboy
    try {
      // preservePath: busboy would otherwise keep only the base name of a filename with a path,
      // and a server that quietly stores another name than the client sent hides client bugs.
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        limits: { fields: 10, parts: 20 }
      })
    } catch (error) {
      req.resume()
      req.once('end', () =>
        resolve({
          kind: 'refused',
          status: 400,
          error: `Malformed multipart request: ${String(error)}`
        })
      )
      return
    }

    let refusal: { status: number; error: string } | null = null
    const refuse = (status: number, error: string): void => {
      refusal ??= { status, error }
    }
    let file: ReceivedFile | null = null
    let filePending: Promise<void> | null = null
    let deleteName: string | null = null
    let fileParts = 0

    parser.on('file', (field, stream, info) => {
      fileParts += 1
      const name = info.filename ?? ''
      if (field !== 'file') {
        refuse(400, `Unexpected file part "${field}": send one part named "file"`)
        stream.resume()
        return
      }
      if (fileParts > 1) {
        refuse(400, 'One file per request: the form had more than one file part')
        stream.resume()
        return
      }
      const nameError = checkFileName(name) ?? rules.checkName(name)
      if (nameError) {
        refuse(400, nameError)
        stream.resume()
        return
      }
      const limit = rules.maxBytes(name)
      const hash = createHash('sha256')
      const scanner = new MarkerScanner()
      const headChunks: Buffer[] = []
      let headSize = 0
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) return // over the limit: keep counting and draining, stop working
        hash.update(chunk)
        scanner.push(chunk)
        if (headSize < (rules.keepBytes ?? HEAD_BYTES)) {
          const part = chunk.subarray(0, (rules.keepBytes ?? HEAD_BYTES) - headSize)
          headChunks.push(Buffer.from(part))
          headSize += part.length
        }
      })
      filePending = new Promise<void>(done => {
        stream.on('end', () => {
          if (size > limit) {
            refuse(413, rules.describeLimit(name, size))
          } else {
            const found = scanner.end()
            file = {
              name,
              size,
              sha256: hash.digest('hex'),
              head: Buffer.concat(headChunks),
              markers: found.markers,
              scoreOverride: found.score
            }
          }
          done()
        })
      })
    })
    parser.on('field', (field, value) => {
      if (field === 'delete_file') deleteName = value
      else if (field === 'file') refuse(400, 'The part "file" needs a filename')
    })
    parser.on('error', (error: unknown) => {
      req.unpipe(parser)
      req.resume()
      const done = (): void =>
        resolve({
          kind: 'refused',
          status: 400,
          error: `Malformed multipart request: ${error instanceof Error ? error.message : String(error)}`
        })
      if (req.readableEnded) done()
      else req.once('end', done)
    })
    parser.on('close', () => {
      void Promise.resolve(filePending).then(() => {
        const refused = refusal as { status: number; error: string } | null
        const received = file as ReceivedFile | null
        if (refused) resolve({ kind: 'refused', ...refused })
        else if (received && deleteName !== null)
          resolve({
            kind: 'refused',
            status: 400,
            error: 'Send either a file part or a delete_file field, not both'
          })
        else if (received) resolve({ kind: 'file', file: received })
        else if (deleteName !== null) resolve({ kind: 'delete', name: deleteName })
        else
          resolve({
            kind: 'refused',
            status: 400,
            error: 'No file: send one part named "file" (or a delete_file field)'
          })
      })
    })
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client went away during the upload'))
    })
    req.on('error', reject)
    req.pipe(parser)
  })
}

/**
 * A stored name must be a plain name (the contract: an agent's files form one flat folder): not
 * empty, no `/` or `\`, not `.` or `..`, at most 255 characters, no control characters. The
 * name is refused as sent, never shortened to its base name.
 */
export function checkFileName(name: string): string | null {
  if (!name) return 'The file part needs a non-empty filename'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    return `Invalid file name ${JSON.stringify(name.slice(0, 80))}: file names may not contain control characters`
  if (name.length > 255)
    return `Invalid file name "${name.slice(0, 40)}…": it is ${name.length} characters long; file names are limited to 255 characters`
  if (/[/\\]/.test(name))
    return `Invalid file name "${name}": an agent's files form one flat folder; send a plain name, without a path (no / or \\)`
  if (name === '.' || name === '..') return `Invalid file name "${name}": not a file name`
  return null
}
