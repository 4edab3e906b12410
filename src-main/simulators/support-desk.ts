/**
 * The VetOS support desk's intake, simulated for the demo and the tests (the real desk is across
 * the internet). A real node:http server with the desk's wire contract:
 *   POST /v1/integration-requests   Authorization: Bearer <support key>, JSON body (FORMAT below),
 *                                   optional Idempotency-Key (the same key answers the same ticket)
 *   201 {ticket, receivedAt, message} for a new request, 200 with the same ticket for a replay;
 *   401 {error:'unauthorized'} for a missing or unknown key; 400 {error:'invalid-request', issues}
 *   for a body it cannot take; 404 elsewhere.
 * It keeps every request it received, body and headers, so a test can check what arrived (and that
 * a patient's name never did). setDown(true) answers 503 to everything, as a desk being maintained.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { z } from 'zod'
import { listen } from '../core/net'

/** What the intake takes (the desk's own schema, not VetOS's contract). */
const Intake = z.object({
  format: z.literal('vetos.integration-request/1'),
  clinic: z.object({ id: z.string().min(1), name: z.string() }),
  request: z.object({
    system: z.string().min(1),
    vendor: z.string().min(1).max(120),
    model: z.string().min(1).max(120),
    wiring: z.string().min(1),
    wiringDetail: z.string().nullable(),
    contact: z.object({ name: z.string().min(1), phone: z.string().nullable(), email: z.string().nullable() }).refine((c) => c.phone || c.email, 'needs a phone number or an e-mail address'),
    notes: z.string().nullable()
  }),
  identityRemoved: z.boolean(),
  samples: z
    .array(
      z.object({
        captureId: z.string().min(1),
        integrationName: z.string(),
        transport: z.enum(['mllp', 'astm', 'dicom']),
        messageType: z.string().nullable(),
        receivedAt: z.string(),
        text: z.string(),
        removed: z.array(z.string()),
        raw: z.string().optional()
      })
    )
    .max(20)
})
export type IntakeRequest = z.infer<typeof Intake>

export interface ReceivedRequest {
  ticket: string
  idempotencyKey: string | null
  body: IntakeRequest
  /** the bytes as they arrived */
  raw: string
  receivedAt: string
}

export interface SupportDeskOptions {
  /** 0 (the default): any free port */
  port?: number
  host?: string
  /** accepted support keys */
  apiKeys: string[]
  /** the first ticket number (SUP-1001) */
  firstTicket?: number
  log?: (line: string) => void
}

const MAX_BODY = 8 * 1024 * 1024

export class SupportDeskSimulator {
  readonly received: ReceivedRequest[] = []
  /** every request that reached the desk, answered or not (for tests that count attempts) */
  hits = 0
  private server: Server | null = null
  private next: number
  private down = false
  port = 0

  constructor(private readonly opts: SupportDeskOptions) {
    this.next = opts.firstTicket ?? 1001
  }

  get url(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}`
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res))
    this.port = await listen(server, this.opts.port ?? 0, this.opts.host ?? '127.0.0.1')
    this.server = server
    this.opts.log?.(`VetOS support desk simulator listening on ${this.url}`)
  }

  async stop(): Promise<void> {
    const s = this.server
    this.server = null
    if (!s) return
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  setDown(down: boolean): void {
    this.down = down
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.hits++
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    let raw = ''
    try {
      raw = await readBody(req)
    } catch (e) {
      return answer(413, { error: 'too-large', message: (e as Error).message })
    }
    if (this.down) return answer(503, { error: 'maintenance', message: 'The support desk is being maintained; try again later' })
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/integration-requests') return answer(404, { error: 'not-found', message: 'No such endpoint' })
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!key || !this.opts.apiKeys.includes(key)) return answer(401, { error: 'unauthorized', message: 'The support key is missing or unknown' })
    const idem = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null
    const earlier = idem ? this.received.find((r) => r.idempotencyKey === idem) : undefined
    if (earlier) return answer(200, { ticket: earlier.ticket, receivedAt: earlier.receivedAt, message: 'Already received' })
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return answer(400, { error: 'invalid-request', message: 'The body is not JSON' })
    }
    const parsed = Intake.safeParse(json)
    if (!parsed.success) return answer(400, { error: 'invalid-request', message: 'The request is not one the desk can take', issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) })
    const ticket = `SUP-${this.next++}`
    const receivedAt = new Date().toISOString()
    this.received.push({ ticket, idempotencyKey: idem, body: parsed.data, raw, receivedAt })
    this.opts.log?.(`Support desk: ${ticket} for ${parsed.data.request.vendor} ${parsed.data.request.model} from ${parsed.data.clinic.name}`)
    answer(201, { ticket, receivedAt, message: `Thank you: support will assess ${parsed.data.request.vendor} ${parsed.data.request.model} and call ${parsed.data.request.contact.name}` })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('The request is larger than the desk takes'))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
