import { createHash } from 'node:crypto'
import type { LabProfile } from '../../src-preload/contract'
import { ConsentRefused, type ConsentGate, type Permit } from '../consent/gate'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { AuditLog } from '../audit/chain'
import type { InboundArchive, InboundRow } from '../integrations/inbound'
import type { Answer, Transmitter } from '../integrations/outbound'
import type { IntegrationRegistry } from '../integrations/registry'
import type { RefusalLog } from '../integrations/refusals'
import type { LabResultsService } from '../labs/results'
import type { LabOrdersService } from '../labs/orders'
import type { CaptureLog } from '../integrations/capture'
import { isOpen } from '../labs/lifecycle'
import { applyCodeMap } from '../labs/normalize'
import { sexToCode } from '../matching/rule'
import { AstmLink, DEFAULT_TIMERS, type LinkTimers } from './link'
import { AstmRecordError, astmProfile, headerRecord, readTransmission, record, testId } from './records'
import type { Channel, Transport, TransportState } from './transport'
import type { OrderMessageInput } from '../hl7/lab-messages'

/** An order as the records an analyzer expects: H, P, O (sample id = our order number), L. */
export function orderRecords(lab: LabProfile, o: Pick<OrderMessageInput, 'orderNumber' | 'tests' | 'priority' | 'patient' | 'owner' | 'control' | 'now'>): string[] {
  // The profile's codes, as for HL7: an analyzer echoes what it was sent, and the rule reads it back through them.
  const sex = sexToCode(o.patient.sex, o.patient.neuterStatus, lab)
  return [
    headerRecord(lab.astmSender ?? lab.application ?? 'VETOS', o.now),
    record(['P', 1, o.patient.id, '', '', [o.owner.lastName, o.patient.name], '', o.patient.dateOfBirth?.replace(/-/g, '') ?? '', sex]),
    record(['O', 1, o.orderNumber, '', o.tests.map((t) => testId(t.code)), o.priority === 'stat' ? 'S' : 'R', '', '', '', '', '', o.control === 'CA' ? 'C' : 'N', '', '', '', 'serum', '', '', '', '', '', '', '', '', '', 'O']),
    'L|1|N'
  ]
}

/** One connection's link and the transmission it is receiving, if any. */
interface Session {
  ch: Channel
  link: AstmLink
  partial: InboundRow | null
  /** when the peer last sent anything (or connected) */
  heard: number
  detail: string
}

/**
 * One in-house analyzer: its transport, the E1381 link on each channel, and the pipeline. Every
 * frame is written to the inbound archive before it is acknowledged; at EOT the transmission is
 * checked for a resend, then read: results go to the matching rule, a host query gets the orders.
 *
 * One live link per analyzer: a connection that arrives while the current link is transmitting
 * or was heard from within a receive timeout is refused (a second device, or a stray client,
 * would otherwise mix its records into the analyzer's); after that quiet time the current link
 * counts as dead (the analyzer rebooted, the network dropped it) and a newcomer replaces it.
 */
export class AnalyzerConnector implements Transmitter {
  private session: Session | null = null
  /** the transport's own state when no link is up: listening, connecting, error */
  private resting: TransportState = { state: 'connecting', detail: 'waiting for the analyzer' }
  private channelDetail = ''

  constructor(
    private readonly integrationId: string,
    private readonly transport: Transport,
    private readonly deps: { archive: InboundArchive; registry: IntegrationRegistry; gate: ConsentGate; results: LabResultsService; orders: LabOrdersService; audit: AuditLog; refusals: RefusalLog; captures: CaptureLog },
    private readonly timers: LinkTimers = DEFAULT_TIMERS
  ) {}

  async start(): Promise<void> {
    this.transport.on('state', (s) => {
      // A transport's "connected" only announces a channel; whether a link is up is decided here.
      if (s.state === 'connected') this.channelDetail = s.detail
      else this.resting = s
      this.showStatus()
    })
    this.transport.on('channel', (ch) => this.attach(ch))
    this.transport.on('refused', (peer, reason) => this.refused(peer, reason))
    await this.transport.start()
  }

  async stop(): Promise<void> {
    this.session?.link.close()
    await this.transport.stop()
  }

  get connected(): boolean {
    return this.session !== null
  }

  private get link(): AstmLink | null {
    return this.session?.link ?? null
  }

  /** Outbound: an order list goes out as one transmission, under the gate's permit. */
  async send(permit: Permit, payload: Buffer): Promise<Answer> {
    if (!this.link) throw new Error('the analyzer is not connected')
    permit.spend(this.integrationId)
    await this.link.send(payload.toString('latin1').split('\r').filter(Boolean))
    return { accepted: true, response: Buffer.alloc(0), detail: 'delivered to the analyzer' }
  }

  private showStatus(): void {
    const { state, detail } = this.session ? { state: 'connected' as const, detail: this.session.detail } : this.resting
    this.deps.registry.setStatus(this.integrationId, state, detail)
  }

  private refused(peer: string, reason: string): void {
    this.deps.registry.count(this.integrationId, 'refused connections')
    this.deps.refusals.refused('astm.connection.refused', `The ASTM listener for ${this.deps.registry.row(this.integrationId).name}`, peer, reason)
  }

  private attach(ch: Channel): void {
    const current = this.session
    if (current && (current.link.busy || Date.now() - current.heard < this.timers.receiveMs)) {
      ch.close()
      this.refused(ch.address, `the analyzer's link from ${current.ch.peer} is in use; one connection at a time`)
      return
    }
    if (current) {
      this.deps.audit.append({ action: 'astm.connection.replaced', direction: 'inbound', integrationId: this.integrationId, summary: `${this.deps.registry.row(this.integrationId).name}: a new connection from ${ch.peer} replaced the one from ${current.ch.peer}, silent for ${Math.round((Date.now() - current.heard) / 1000)} s` })
      current.link.close()
      current.ch.close()
    }
    const link = new AstmLink(
      'host',
      {
        write: (b) => ch.write(b),
        onFrame: (text, _fn, first) => this.onFrame(session, text, first),
        onMessage: (text) => this.onMessage(session, text),
        onAbort: (reason) => this.onAbort(session, reason),
        onBadFrame: () => this.deps.registry.count(this.integrationId, 'bad frames')
      },
      this.timers
    )
    const session: Session = { ch, link, partial: null, heard: Date.now(), detail: this.channelDetail }
    this.session = session
    ch.on('data', (b) => {
      session.heard = Date.now()
      link.feed(b)
    })
    ch.on('close', () => this.end(session))
    this.deps.registry.count(this.integrationId, 'connections')
    this.showStatus()
  }

  /** The connection is gone: its link reports a cut-off transmission (onAbort); the status follows. */
  private end(session: Session): void {
    session.link.close()
    if (this.session !== session) return
    this.session = null
    this.showStatus()
  }

  private onFrame(session: Session, text: Buffer, first: boolean): void {
    const { archive } = this.deps
    if (first || !session.partial) {
      if (session.partial) this.onAbort(session, 'a new transmission began before the last one ended')
      session.partial = archive.begin({ integrationId: this.integrationId, transport: 'astm', peer: session.ch.peer, raw: Buffer.from(text) })
    } else archive.append(session.partial.id, text)
  }

  private onAbort(session: Session, reason: string): void {
    if (!session.partial) return
    this.deps.archive.mark(session.partial.id, 'rejected', `interrupted: ${reason}`)
    session.partial = null
  }

  private async onMessage(session: Session, text: Buffer): Promise<void> {
    const { archive, registry } = this.deps
    const row = session.partial
    session.partial = null
    if (!row) return
    registry.count(this.integrationId, 'received')
    const { row: done, original } = archive.finish(row.id, createHash('sha256').update(text).digest('hex'), 'ASTM')
    // Captured while the profile was built and sent again now that capture is over: this copy is read and filed.
    const recaptured = original?.status === 'captured' && !this.deps.captures.capturing(this.integrationId)
    if (original && original.status !== 'receiving' && original.status !== 'received' && !recaptured) {
      // The same transmission again (the analyzer did not hear our last ACK): nothing twice.
      registry.count(this.integrationId, 'duplicates')
      return
    }
    await this.process(done)
  }

  /** Reads an archived transmission; also used to reprocess one from the Integrations screen. */
  async process(row: InboundRow): Promise<void> {
    const { archive, registry, gate, results, captures } = this.deps
    if (captures.capturing(this.integrationId)) {
      // Capture mode: kept to build the analyzer's profile; a host query is not answered (it would name patients).
      const types = row.raw.toString('latin1').split(/\r\n|\r|\n/).map((l) => l.replace(/^\d(?=[A-Z])/, '')[0]).filter(Boolean)
      captures.capture(row, `an ASTM transmission (${types.length} records${types.includes('Q') ? ', a host query, not answered' : ''})`)
      return
    }
    const name = registry.row(this.integrationId).name
    const lab = registry.config(this.integrationId).lab
    const done = (status: InboundRow['status'], text: string) => {
      archive.mark(row.id, status, status === 'processed' ? null : text, status === 'processed' ? text : undefined)
      gate.recordExchange({ integrationId: this.integrationId, direction: 'inbound', action: 'astm.received', outcome: status === 'processed' ? 'ok' : 'error', summary: `ASTM transmission from ${name}: ${text}`, details: { inboundId: row.id } })
    }
    let read
    try {
      read = readTransmission(row.raw.toString('latin1'), astmProfile(lab))
    } catch (e) {
      done('error', e instanceof AstmRecordError ? e.message : `unreadable: ${(e as Error).message}`)
      return
    }
    if (read.query) {
      const answered = await this.answerQuery(read.query.sampleIds)
      done('processed', `host query for ${read.query.sampleIds.join(', ') || 'all'}: ${answered}`)
      return
    }
    if (read.reports.length === 0) {
      done('processed', 'no results in the transmission')
      return
    }
    applyCodeMap(lab, read.reports)
    const outcome = results.ingest({ inboundId: row.id, integrationId: this.integrationId, integrationName: name, profile: lab }, read.reports)
    done('processed', outcome.summary)
  }

  /**
   * Answers a host query with the open orders for those samples, or "no information". The answer
   * is an outbound send like any order: it names the patient, so it goes through the gate and is
   * not sent at all when the analyzer is not approved for patient identity and lab orders.
   */
  private async answerQuery(sampleIds: string[]): Promise<string> {
    const { orders, registry, gate } = this.deps
    const lab = registry.config(this.integrationId).lab!
    const found = sampleIds.map((id) => orders.byNumber(id)).filter((o): o is NonNullable<typeof o> => !!o && o.integrationId === this.integrationId && isOpen(o.status) && o.status !== 'final' && o.status !== 'reviewed')
    const now = new Date()
    let records: string[]
    if (found.length === 0) records = [headerRecord(lab.astmSender ?? lab.application ?? 'VETOS', now), 'L|1|I']
    else {
      records = [headerRecord(lab.astmSender ?? lab.application ?? 'VETOS', now)]
      found.forEach((o, i) => {
        const input = orders.messageInput(o, 'NW')
        records.push(...orderRecords(lab, input).slice(1, 3).map((r) => r.replace(/^([PO])\|1\|/, `$1|${i + 1}|`)))
      })
      records.push('L|1|N')
    }
    const what = found.length ? `sent ${found.map((o) => o.orderNumber).join(', ')}` : 'no orders for those samples'
    const link = this.link
    if (!link) return 'not answered: the analyzer disconnected'
    try {
      const permit = gate.authorize({ integrationId: this.integrationId, categories: ['patient_identity', 'lab_orders'], actor: SYSTEM_ACTOR, patientId: found.length === 1 ? found[0].patientId : null, summary: `Answer to ${registry.row(this.integrationId).name}'s host query for ${sampleIds.join(', ') || 'all samples'}: ${what}` })
      permit.spend(this.integrationId)
    } catch (e) {
      if (e instanceof ConsentRefused) return `not answered: ${e.message}`
      throw e
    }
    await link.send(records)
    gate.recordExchange({ integrationId: this.integrationId, direction: 'outbound', action: 'astm.query.answered', summary: `Host query answered: ${what}` })
    return what
  }
}
