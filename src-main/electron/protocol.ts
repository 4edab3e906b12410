import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inlineDisposition, type MediaRoutes } from '../media/routes'

/**
 * The app:// protocol: files inside the built renderer and the app's own media; anything else is a
 * 404. fetchFile reads a file: URL (Electron's net.fetch), so this runs and is tested without Electron.
 */
export function appProtocolHandler(media: () => MediaRoutes | null, rendererDir: string, fetchFile: (url: string) => Promise<Response>): (request: Request) => Response | Promise<Response> {
  return (request) => {
    const url = new URL(request.url)
    if (url.pathname.startsWith('/media/')) {
      const routes = media()
      // Before the workstation has its clinic there is no media to serve.
      if (!routes) return new Response('Not found', { status: 404 })
      return routes.serve(url.pathname, url.searchParams.get('token')).then((m) => {
        const headers: Record<string, string> = { 'Content-Type': m.mime, 'Content-Length': String(m.size) }
        if (m.filename) headers['Content-Disposition'] = inlineDisposition(m.filename)
        if (!Buffer.isBuffer(m.body)) return fetchFile(pathToFileURL(m.body.file).toString())
        return new Response(new Uint8Array(m.body), { status: m.status, headers })
      })
    }
    const file = rendererFile(rendererDir, url.pathname)
    return file ? fetchFile(pathToFileURL(file).toString()) : new Response('Not found', { status: 404 })
  }
}

/** The renderer file a URL path names, or null: outside the renderer, or no path at all (a malformed % escape). */
export function rendererFile(rendererDir: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  const file = join(rendererDir, normalize(decoded).replace(/^[/\\]+/, '') || 'index.html')
  return file.startsWith(rendererDir + sep) ? file : null
}
