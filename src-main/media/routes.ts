import { statSync } from 'node:fs'
import type { Actor } from '../domain/actor'

/** What a media request answers: bytes in memory, or a file the host streams. */
export interface MediaReply {
  status: number
  mime: string
  body: Buffer | { file: string }
  size: number
  /** the name a "save a copy" gets */
  filename?: string
}

/** May wait: a file that came by sync is fetched from the clinic server on its first view. */
export type MediaHandler = (id: string, actor: Actor) => Pick<MediaReply, 'mime' | 'body' | 'filename'> | null | Promise<Pick<MediaReply, 'mime' | 'body' | 'filename'> | null>

// Served as themselves; anything else (text/html, say) would run in our origin, so it downloads instead.
const INLINE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'application/dicom'])

const text = (status: number, message: string): MediaReply => {
  const body = Buffer.from(message)
  return { status, mime: 'text/plain; charset=utf-8', body, size: body.length }
}

/**
 * Files the renderer shows (PDF reports, imported photos, DICOM images) reach it through the
 * app's own origin: app://vetos/media/... in Electron, /media/... on the hub. Both hosts call
 * serve(); only a signed-in staff session may read.
 */
export class MediaRoutes {
  private handlers = new Map<string, MediaHandler>()

  constructor(private readonly resolveSession: (token: string) => Actor | null) {}

  /** kind is the first path segment: /media/<kind>/<id> */
  register(kind: string, handler: MediaHandler): void {
    this.handlers.set(kind, handler)
  }

  async serve(pathname: string, token: string | null): Promise<MediaReply> {
    const actor = token ? this.resolveSession(token) : null
    if (!actor) return text(401, 'A staff session is required')
    const m = /^\/media\/([a-z-]+)\/([A-Za-z0-9._-]+)$/.exec(pathname)
    const handler = m ? this.handlers.get(m[1]) : undefined
    if (!m || !handler) return text(404, 'No such media path')
    const found = await handler(m[2], actor)
    if (!found) return text(404, 'That file was not found')
    if (!INLINE_TYPES.has(found.mime)) found.mime = 'application/octet-stream'
    if (Buffer.isBuffer(found.body)) return { status: 200, ...found, size: found.body.length }
    try {
      return { status: 200, ...found, size: statSync(found.body.file).size }
    } catch {
      return text(404, 'The stored file is missing')
    }
  }
}

/** Content-Disposition for an inline file with a name, ASCII-safe. */
export function inlineDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
