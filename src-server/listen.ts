/** Starts a fastify app listening and answers its address as a URL (an IPv6 host in brackets). */
import type { FastifyInstance } from 'fastify'

export async function listenUrl(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port })
  const address = app.server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
}
