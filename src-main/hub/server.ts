import { timingSafeEqual, randomBytes } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyWebsocket from '@fastify/websocket'
import type { App } from '../app'
import { forwardLive } from '../events'
import { httpStatus, type Dispatcher } from '../api/dispatch'
import { CSP } from '../security/csp'
import { inlineDisposition } from '../media/routes'

export interface HubOptions {
  host: string
  port: number
  /** the built renderer (out/renderer) */
  rendererDir: string
  /** access token; random when absent */
  token?: string
  /** answers the API while there is no app yet (a new data folder choosing its clinic) */
  firstRun?: Dispatcher
}

export interface Hub {
  url: string
  token: string
  server: FastifyInstance
  close(): Promise<void>
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}


/**
 * The headless hub: the same app without a window. It serves the built renderer and the API
 * (POST /api/<method>, Authorization: Bearer <token>) and pushes live events over /api/events.
 * The bearer is the hub token (printed at start) or a staff session token from auth.login.
 */
export async function startHub(current: () => App | null, opts: HubOptions): Promise<Hub> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  // Room for an imported photo or PDF (documents.import, Base64); everything else is small.
  const server = Fastify({
    logger: false,
    bodyLimit: 48 * 1024 * 1024,
    // A path that is not a path (a malformed % escape) names nothing here: 404, without echoing the URL and its token.
    frameworkErrors: (err, _req, res) => {
      const reply = res as FastifyReply // typed generically by fastify; this is the plain reply
      if (err.code === 'FST_ERR_BAD_URL') reply.code(404).type('text/plain; charset=utf-8').send('Not found')
      else reply.code(400).send({ ok: false, error: { code: 'invalid-input', message: err.message } })
    }
  })
  await server.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } })

  const bearer = (header: string | undefined): string | null => {
    const m = /^Bearer (\S+)$/.exec(header ?? '')
    return m ? m[1] : null
  }
  /** null: refused; '': the hub token (public methods only); otherwise a session token */
  const authorize = (presented: string | null): string | null => {
    if (!presented) return null
    if (sameSecret(presented, token)) return ''
    return current()?.services.sessions.resolve(presented) ? presented : null
  }

  server.addHook('onSend', async (req, reply, payload) => {
    // Media is never HTML (see MediaRoutes); the page CSP would stop Chromium's PDF viewer.
    if (!req.url.startsWith('/media/')) reply.header('Content-Security-Policy', CSP)
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('Cache-Control', 'no-store')
    return payload
  })

  server.post<{ Params: { method: string } }>('/api/:method', async (req, reply) => {
    const session = authorize(bearer(req.headers.authorization))
    if (session === null) {
      return reply.code(401).send({ ok: false, error: { code: 'unauthenticated', message: 'A valid token is required (Authorization: Bearer <token>)' } })
    }
    const app = current()
    const dispatch = app ? app.dispatch : opts.firstRun
    if (!dispatch) return reply.code(503).send({ ok: false, error: { code: 'internal-error', message: 'The workstation is starting' } })
    const response = await dispatch(req.params.method, req.body ?? {}, session || null)
    return reply.code(response.ok ? 200 : httpStatus(response.error.code)).send(response)
  })

  // Invalid JSON bodies get the same error shape as invalid input.
  server.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500
    reply.code(status).send({ ok: false, error: { code: status < 500 ? 'invalid-input' : 'internal-error', message: status < 500 ? err.message : 'Internal error' } })
  })

  server.get('/api/events', { websocket: true }, (socket, req) => {
    const presented = new URL(req.url, 'http://x').searchParams.get('token')
    const session = authorize(presented)
    const app = current()
    const actor = session && app ? app.services.sessions.resolve(session) : null
    if (!app || !actor) {
      socket.close(4401, 'session required')
      return
    }
    const sub = forwardLive(app.events, ({ event, recipientId }) => {
      if (recipientId && recipientId !== actor.id) return
      // A session that ended (sign-out, deactivation) stops receiving.
      if (!app.services.sessions.resolve(session!)) return socket.close(4401, 'session ended')
      socket.send(JSON.stringify(event))
    })
    socket.on('close', () => sub.unsubscribe())
  })

  // Files for the renderer: the staff session comes as ?token= because <img>, <iframe> and
  // window.open cannot send a header.
  server.get('/media/*', async (req, reply) => {
    const url = new URL(req.url, 'http://x')
    const app = current()
    if (!app) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
    const m = await app.media.serve(url.pathname, url.searchParams.get('token') ?? bearer(req.headers.authorization))
    reply.code(m.status).type(m.mime).header('Content-Length', m.size)
    if (m.filename) reply.header('Content-Disposition', inlineDisposition(m.filename))
    return reply.send(Buffer.isBuffer(m.body) ? m.body : createReadStream(m.body.file))
  })

  if (existsSync(opts.rendererDir)) {
    await server.register(fastifyStatic, { root: opts.rendererDir, index: 'index.html' })
  } else {
    server.get('/', async (_req, reply) => reply.type('text/plain').send('The renderer is not built: run npm run build'))
  }

  await server.listen({ host: opts.host, port: opts.port })
  const addr = server.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : opts.port
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`,
    token,
    server,
    close: () => server.close()
  }
}
