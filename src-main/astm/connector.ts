import { createHash } from 'node:crypto'
import type { LabProfile } from '../../src-preload/contract'
import { ConsentRefused, type ConsentGate, type Permit } from '../consent/gate'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { InboundArchive, InboundRow } from '../integrations/inbound'
import type { Answer, Transmitter } from '../integrations/outbound'
import type { IntegrationRegistry } from '../integrations/registry'
import type { LabResultsService } from '../labs/results'
import type { LabOrdersService } from '../labs/orders'
import { isOpen } from '../labs/lifecycle'
import { AstmLink, DEFAULT_TIMERS, type LinkTimers } from './link'
import { AstmRecordError, STANDARD_PROFILE, headerRecord, readTransmission, record, testId, type AstmProfile } from './records'
import type { Channel, Transport } from './transport'
import type { OrderMessageInput } from '../hl7/lab-messages'

export function astmProfile(lab: LabProfile | undefined): AstmProfile {
  return { ...STANDARD_PROFILE, ...(lab?.astmFields ?? {}) } as AstmProfile
}

/** An order as the records an analyzer expects: H, P, O (sample id = our order number), L. */
export function orderRecords(lab: LabProfile, o: Pick<OrderMessageInput, 'orderNumber' | 'tests' | 'priority' | 'patient' | 'owner' | 'control' | 'now'>): string[] {
  const sex = o.patient.sex === 'male' ? 'M' : o.patient.sex === 'female' ? 'F' : 'U'
  return [
    headerRecord(lab.astmSender ?? lab.application ?? 'VETOS', o.now),
    record(['P', 1, o.patient.id, '', '', [o.owner.lastName, o.patient.name], '', o.patient.dateOfBirth?.replace(/-/g, '') ?? '', sex]),
    record(['O', 1, o.orderNumber, '', o.tests.map((t) => testId(t.code)), o.priority === 'stat' ? 'S' : 'R', '', '', '', '', '', o.control === 'CA' ? 'C' : 'N', '', '', '', 'serum', '', '', '', '', '', '', '', '', '', 'O']),
    'L|1|N'
  ]
}

/**
 * One in-house analyzer: its transport, the E1381 link on each channel, and the pipeline. Every
 * frame is written to the inbound archive before it is acknowledged; at EOT the transmission is
 * checked for a resend, then read: results go to the matching rule, a host query gets the orders.
 */
export class AnalyzerConnector implements Transmitter {
  private link: AstmLink | null = null
  private partial: InboundRow | null = null
  private peer = ''

  constructor(
    private readonly integrationId: string,
    private readonly transport: Transport,
    private readonly deps: { archive: InboundArchive; registry: IntegrationRegistry; gate: ConsentGate; results: LabResultsService; orders: LabOrdersService },
    private readonly timers: LinkTimers = DEFAULT_TIMERS
  ) {}

  async start(): Promise<void> {
    const { registry } = this.deps
    this.transport.on('state', (s) => registry.setStatus(this.integrationId, s.state === 'connecting' ? 'connecting' : s.state, s.detail))
    this.transport.on('channel', (ch) => this.attach(ch))
    await this.transport.start()
  }

  async stop(): Promise<void> {
    this.link?.close()
    await this.transport.stop()
  }

  get connected(): boolean {
    return this.link !== null
  }

  /** Outbound: an order list goes out as one transmission, under the gate's permit. */
  async send(permit: Permit, payload: Buffer): Promise<Answer> {
    if (!this.link) throw new Error('the analyzer is not connected')
    permit.spend(this.integrationId)
    await this.link.send(payload.toString('latin1').split('\r').filter(Boolean))
    return { accepted: true, response: Buffer.alloc(0), detail: 'delivered to the analyzer' }
  }

  private attach(ch: Channel): void {
    this.link?.close()
    this.peer = ch.peer
    const link = new AstmLink(
      'host',
      {
        write: (b) => ch.write(b),
        onFrame: (text, _fn, first) => this.onFrame(text, first),
        onMessage: (text) => this.onMessage(text),
        onAbort: (reason) => this.onAbort(reason),
        onBadFrame: () => this.deps.registry.count(this.integrationId, 'bad frames')
      },
      this.timers
    )
    this.link = link
    ch.on('data', (b) => link.feed(b))
    ch.on('close', () => {
      link.close()
      if (this.link === link) this.link = null
      if (this.partial) this.onAbort('the link closed in the middle of a transmission')
    })
    this.deps.registry.count(this.integrationId, 'connections')
  }

  private onFrame(text: Buffer, first: boolean): void {
    const { archive } = this.deps
    if (first || !this.partial) {
      if (this.partial) this.onAbort('a new transmission began before the last one ended')
      this.partial = archive.begin({ integrationId: this.integrationId, transport: 'astm', peer: this.peer, raw: Buffer.from(text) })
    } else archive.append(this.partial.id, text)
  }

  private onAbort(reason: string): void {
    if (!this.partial) return
    this.deps.archive.mark(this.partial.id, 'rejected', `interrupted: ${reason}`)
    this.partial = null
  }

  private async onMessage(text: Buffer): Promise<void> {
    const { archive, registry } = this.deps
    const row = this.partial
    this.partial = null
    if (!row) return
    registry.count(this.integrationId, 'received')
    const { row: done, original } = archive.finish(row.id, createHash('sha256').update(text).digest('hex'), 'ASTM')
    if (original && original.status !== 'receiving' && original.status !== 'received') {
      // The same transmission again (the analyzer did not hear our last ACK): nothing twice.
      registry.count(this.integrationId, 'duplicates')
      return
    }
    await this.process(done)
  }

  /** Reads an archived transmission; also used to reprocess one from the Integrations screen. */
  async process(row: InboundRow): Promise<void> {
    const { archive, registry, gate, results } = this.deps
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
    // The analyzer's own codes become the clinic's, so its values trend with the reference lab's.
    const names = new Map((lab?.catalog ?? []).map((t) => [t.code, t.name]))
    for (const r of read.reports)
      for (const o of r.observations) {
        const mapped = lab?.codeMap?.[o.code]
        if (mapped) Object.assign(o, { code: mapped.code, name: mapped.name })
        else o.name = names.get(o.code) ?? o.name
      }
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
