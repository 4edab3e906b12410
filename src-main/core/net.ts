import type { Server } from 'node:net'

/** Listens and resolves with the port actually bound (0 asks for a free one); a bind error rejects. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as { port: number }).port)
    })
  })
}
