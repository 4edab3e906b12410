import { createServer, type Server, type Socket } from 'node:net'
import { listen } from '../core/net'
import type { Integration } from '../../src-preload/contract'
import type { Core } from '../domain/core'
import type { InboundArchive, InboundRow } from '../integrations/inbound'
import type { IntegrationRegistry } from '../integrations/registry'
import type { ConsentGate } from '../consent/gate'
import type { LabResultsService } from '../labs/results'
import type { CaptureLog } from '../integrations/capture'
import { Hl7Message, Hl7ParseError } from './codec'
import { frame, MllpFramer, type MllpChunk } from './mllp'
import { buildAck, Hl7ContentError, parseOru, type AckCode } from './lab-messages'
import { applyCodeMap } from '../labs/normalize'

export interface Hl7ListenerOptions {
  host: string
  port: number
  maxFrameBytes?: number
  /** a connection that sends nothing for this long is closed (5 minutes unless given) */
  idleTimeoutMs?: number
}

/** How long a batch waits for other connections' messages (see commit). */
const LINGER_MS = 1
/** A silent connection is closed (a peer that vanished, or one hoarding sockets); a lab simply connects again. */
const IDLE_TIMEOUT_MS = 5 * 60_000

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const plainIp = (ip: string | undefined): string => (ip ?? '').replace(/^::ffff:/, '')

/**
 * The HL7 results listener: one MLLP port for every reference lab. Each message is archived and
 * committed, then processed, then acknowledged; a resend is acknowledged again and creates
 * nothing twice; bad input is archived, answered AE/AR, and never stops the listener.
 */
export class Hl7Listener {
  private server: Server | null = null
  private sockets = new Set<Socket>()
  port = 0

  constructor(
    private readonly core: Core,
    private readonly archive: InboundArchive,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly results: LabResultsService,
    private readonly captures: CaptureLog,
    private readonly opts: Hl7ListenerOptions
  ) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket))
    this.port = await listen(this.server, this.opts.port, this.opts.host)
    for (const i of this.labs()) this.registry.setStatus(i.id, 'listening', `results on MLLP port ${this.port}`)
  }

  async stop(): Promise<void> {
    // Messages still waiting for their batch were never acknowledged: the labs send them again.
    if (this.lingering) clearTimeout(this.lingering)
    this.batch = []
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private labs(): Integration[] {
    return this.registry.list().filter((i) => i.kind === 'reference_lab' && i.enabled)
  }

  /** Only configured peers: a lab's host or allowed peers, and this machine. */
  private peerAllowed(ip: string): boolean {
    if (LOOPBACK.has(ip)) return true
    return this.labs().some((i) => i.config.host === ip || (i.config.allowedPeers ?? []).includes(ip))
  }

  private accept(socket: Socket): void {
    const ip = plainIp(socket.remoteAddress)
    const peer = `${ip}:${socket.remotePort}`
    if (!this.peerAllowed(ip)) {
      // by address, not port: a peer retrying in a loop comes from a new port every time
      this.core.refusals.refused('hl7.connection.refused', 'The HL7 listener', ip, 'not a configured lab')
      socket.destroy()
      return
    }
    this.sockets.add(socket)
    const framer = new MllpFramer({ maxFrameBytes: this.opts.maxFrameBytes })
    let chain = Promise.resolve()
    socket.setTimeout(this.opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => socket.destroy())
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.sockets.delete(socket))
    socket.pipe(framer)
    // One message at a time per connection: ACKs go back in the order messages came.
    framer.on('data', (chunk: MllpChunk) => {
      chain = chain.then(() => this.handle(chunk, peer, socket)).catch(() => undefined)
    })
    framer.on('error', () => socket.destroy())
  }

  private async handle(chunk: MllpChunk, peer: string, socket: Socket): Promise<void> {
    if (chunk.kind === 'junk') {
      // An oversize frame is a message its sender waits on: refuse it (AR), naming it by its MSH if that came whole.
      const msh = chunk.oversize ? headerOf(chunk.data) : null
      this.archive.reject({ integrationId: null, transport: 'mllp', peer, raw: chunk.data, controlId: msh?.controlId ?? null }, chunk.reason)
      if (chunk.oversize && !socket.destroyed) socket.write(frame(buildAck(msh, 'AR', `R${Date.now()}`, new Date(), chunk.reason)))
      return
    }
    const ack = await this.commit(chunk.data, peer)
    if (!socket.destroyed) socket.write(frame(ack))
  }

  private batch: { raw: Buffer; peer: string; done: (ack: string) => void }[] = []
  private lingering: NodeJS.Timeout | null = null

  /**
   * Group commit: messages that arrive together (several connections) are stored and processed in
   * one transaction, and each is acknowledged only after that transaction committed. A commit
   * writes the last page of every table it touched however little changed there, so while other
   * connections are open a batch waits up to a millisecond for their next messages, and goes at
   * once when every connection has one in it.
   */
  private commit(raw: Buffer, peer: string): Promise<string> {
    return new Promise((done) => {
      this.batch.push({ raw, peer, done })
      if (this.batch.length >= this.sockets.size) setImmediate(() => this.flush())
      else if (this.batch.length === 1) this.lingering = setTimeout(() => this.flush(), LINGER_MS)
    })
  }

  private flush(): void {
    if (this.lingering) clearTimeout(this.lingering)
    this.lingering = null
    const items = this.batch
    if (items.length === 0) return
    this.batch = []
    let acks: string[]
    try {
      acks = this.core.store.tx(() => items.map((i) => this.receive(i.raw, i.peer)))
    } catch (e) {
      // Nothing was stored (the disk, the database): say so, and the lab sends again later.
      acks = items.map(() => buildAck(null, 'AE', `E${Date.now()}`, new Date(), `not stored: ${(e as Error).message}`))
    }
    items.forEach((i, k) => i.done(acks[k]))
  }

  /** Archive, process, and return the ACK to send. Exposed for reprocessing and tests. */
  receive(raw: Buffer, peer: string): string {
    const now = new Date()
    const text = raw.toString('utf8')
    let msg: Hl7Message
    try {
      msg = Hl7Message.parse(text)
    } catch (e) {
      const reason = e instanceof Hl7ParseError ? e.message : String(e)
      this.archive.reject({ integrationId: null, transport: 'mllp', peer, raw, controlId: /^MSH\|[^|]*(?:\|[^|]*){7}\|([^|\r\n]*)/.exec(text)?.[1] ?? null }, reason)
      return buildAck(null, 'AR', `R${Date.now()}`, now, reason, e instanceof Hl7ParseError ? e.location : undefined)
    }
    const integration = this.route(msg, peer)
    const { row, original } = this.archive.store({
      integrationId: integration?.id ?? null,
      transport: 'mllp',
      peer,
      raw,
      dedupeKey: `${msg.sendingApplication}^${msg.sendingFacility}^${msg.controlId}`,
      messageType: `${msg.type}^${msg.trigger}`,
      controlId: msg.controlId
    })
    if (integration) this.registry.count(integration.id, 'received')
    if (original) {
      // A resend: answer as the first time; if the first copy never got processed (a crash), do it now.
      if (original.status === 'received') return this.process(original, msg, integration)
      // Captured while the profile was built, sent again now that capture is over: this copy is the one filed.
      if (original.status === 'captured' && !this.captures.capturing(integration?.id ?? null)) return this.process(row, msg, integration)
      if (integration) this.registry.count(integration.id, 'duplicates')
      const done = original.status === 'processed' || original.status === 'captured'
      return buildAck(msg, done ? 'AA' : 'AE', `A${msg.controlId}`.slice(0, 20), now, done ? 'duplicate of a message already received' : (original.error ?? undefined))
    }
    return this.process(row, msg, integration)
  }

  /** Parses, stores and matches an archived message; the archive row records the outcome. */
  process(row: InboundRow, msg: Hl7Message, integration: Integration | null): string {
    const now = new Date()
    const ack = (code: AckCode, status: InboundRow['status'], text: string, location?: string) => {
      this.archive.mark(row.id, status, code === 'AA' ? null : text, code === 'AA' ? text : undefined)
      if (integration) {
        this.gate.recordExchange({ integrationId: integration.id, direction: 'inbound', action: 'hl7.received', outcome: code === 'AA' ? 'ok' : 'error', summary: `${msg.type}^${msg.trigger} ${msg.controlId} from ${integration.name}: ${text}`, details: { inboundId: row.id } })
      }
      return buildAck(msg, code, `A${msg.controlId}`.slice(0, 20), now, code === 'AA' ? undefined : text, location)
    }
    if (!integration) return ack('AR', 'rejected', `no lab is configured for sender ${msg.sendingApplication || '(empty MSH-3)'}`, 'MSH^1^3')
    if (this.captures.capturing(integration.id)) {
      // Capture mode: kept to build the lab's profile, whatever its type; the ACK says only that it arrived.
      this.captures.capture(row, `${msg.type}^${msg.trigger} ${msg.controlId}`)
      return buildAck(msg, 'AA', `A${msg.controlId}`.slice(0, 20), now)
    }
    if (msg.type !== 'ORU') return ack('AR', 'rejected', `message type ${msg.type}^${msg.trigger} is not accepted here`, 'MSH^1^9')
    try {
      // the listed config: secrets are masked there, and a lab profile holds none
      const profile = integration.config.lab
      const reports = parseOru(msg, profile)
      applyCodeMap(profile, reports)
      const outcome = this.results.ingest({ inboundId: row.id, integrationId: integration.id, integrationName: integration.name, profile }, reports)
      return ack('AA', 'processed', outcome.summary)
    } catch (e) {
      if (e instanceof Hl7ContentError) return ack('AE', 'error', e.message, e.location)
      return ack('AE', 'error', `could not be stored: ${(e as Error).message}`)
    }
  }

  /** Which lab sent this: by MSH-3 when a profile names it, else by the peer's address, else the only lab. */
  route(msg: Hl7Message, peer: string): Integration | null {
    const labs = this.labs()
    const app = msg.sendingApplication.toUpperCase()
    const byApp = labs.filter((i) => i.config.lab?.labApplication && i.config.lab.labApplication.toUpperCase() === app)
    if (byApp.length === 1) return byApp[0]
    const ip = peer.slice(0, peer.lastIndexOf(':'))
    const byPeer = labs.filter((i) => i.config.host === ip || (i.config.allowedPeers ?? []).includes(ip))
    if (byPeer.length === 1) return byPeer[0]
    return labs.length === 1 ? labs[0] : null
  }
}

/** The MSH segment at the start of a message cut short, when it arrived whole and reads as one. */
function headerOf(start: Buffer): Hl7Message | null {
  const end = start.findIndex((b) => b === 0x0d || b === 0x0a)
  if (end < 0) return null
  try {
    return Hl7Message.parse(start.subarray(0, end).toString('utf8'))
  } catch {
    return null
  }
}
