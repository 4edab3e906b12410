/**
 * The in-house analyzer simulator that ships with VetOS: an instrument speaking ASTM E1381/E1394
 * over a serial device or TCP. It takes the host's order list, "runs" each sample, and sends the
 * results with the sample id it was given. It can also run a sample nobody ordered and ask the
 * host for a sample's tests (a host query).
 */
import { AstmLink, DEFAULT_TIMERS, type LinkTimers } from '../astm/link'
import { astmStamp, headerRecord, record, parseRecords, testId } from '../astm/records'
import type { Channel, Transport } from '../astm/transport'
import { PANELS, rangeText, simulateValue } from './analytes'
import { rng } from '../demo/people'

export interface AnalyzerSimulatorOptions {
  transport: Transport
  /** seconds from receiving an order to sending its results */
  runAfter?: number
  timers?: Partial<LinkTimers>
  name?: string
  log?: (line: string) => void
}

interface Sample {
  sampleId: string
  tests: string[]
  patientId: string
  owner: string
  pet: string
}

export class AnalyzerSimulator {
  private link: AstmLink | null = null
  private readonly rnd = rng(Date.now() % 7919)
  private timers = new Set<NodeJS.Timeout>()
  private seq = 0
  readonly orders: Sample[] = []
  readonly sent: string[][] = []

  constructor(private readonly opts: AnalyzerSimulatorOptions) {}

  private log(line: string): void {
    this.opts.log?.(`[analyzer] ${line}`)
  }

  async start(): Promise<void> {
    this.opts.transport.on('channel', (ch) => this.attach(ch))
    this.opts.transport.on('state', (s) => this.log(`${s.state}: ${s.detail}`))
    await this.opts.transport.start()
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    this.link?.close()
    await this.opts.transport.stop()
  }

  get connected(): boolean {
    return this.link !== null
  }

  private attach(ch: Channel): void {
    const link = new AstmLink('instrument', { write: (b) => ch.write(b), onMessage: (t) => this.onMessage(t.toString('latin1')) }, { ...DEFAULT_TIMERS, ...this.opts.timers })
    this.link = link
    ch.on('data', (b) => link.feed(b))
    ch.on('close', () => {
      link.close()
      if (this.link === link) this.link = null
    })
  }

  private onMessage(text: string): void {
    const { records, delimiters: d } = parseRecords(text)
    let patient = { patientId: '', owner: '', pet: '' }
    for (const r of records) {
      if (r.type === 'P') {
        const [owner, pet] = (r.fields[5] ?? '').split(d.component)
        patient = { patientId: r.fields[2] ?? '', owner: owner ?? '', pet: pet ?? owner ?? '' }
      }
      if (r.type === 'O') {
        const sample: Sample = { sampleId: r.fields[2] ?? '', tests: (r.fields[4] ?? '').split(d.repeat).map((t) => t.split(d.component)[3]).filter(Boolean), ...patient }
        if ((r.fields[11] ?? '') === 'C') {
          this.log(`sample ${sample.sampleId} cancelled`)
          continue
        }
        this.orders.push(sample)
        this.log(`order for sample ${sample.sampleId}: ${sample.tests.join(', ')}`)
        const t = setTimeout(() => {
          this.timers.delete(t)
          void this.sendResults(sample).catch((e) => this.log(`could not send results: ${(e as Error).message}`))
        }, (this.opts.runAfter ?? 3) * 1000)
        this.timers.add(t)
      }
    }
    if (records.some((r) => r.type === 'L' && r.fields[2] === 'I')) this.log('the host has no orders for that sample')
  }

  /** Results for a sample, as the instrument reports them. */
  async sendResults(s: Sample): Promise<void> {
    const now = new Date()
    const records = [headerRecord(`${this.opts.name ?? 'VETSIM'}^1.0^SIM${++this.seq}`, now), record(['P', 1, s.patientId, '', '', [s.owner, s.pet]]), record(['O', 1, s.sampleId, `SIM${this.seq}`, s.tests.map(testId), 'R', '', astmStamp(now)])]
    let n = 0
    for (const code of s.tests) {
      for (const a of PANELS[code]?.analytes ?? []) {
        const v = simulateValue(a, this.rnd)
        records.push(record(['R', ++n, testId(a.code), v.value, a.units, rangeText(a), v.flag, '', 'F', '', 'SIM', '', astmStamp(now), this.opts.name ?? 'VETSIM']))
      }
    }
    records.push('L|1|N')
    await this.transmit(records)
    this.log(`sent ${n} results for sample ${s.sampleId}`)
  }

  /** A sample run without an order (the host has never heard of it). */
  async runUnordered(pet: string, owner: string, tests = ['CHEM10']): Promise<void> {
    await this.sendResults({ sampleId: `RUN-${Date.now() % 100000}`, tests, patientId: '', owner, pet })
  }

  /** Asks the host which tests a sample needs; the host answers with an order list. */
  async hostQuery(sampleId: string): Promise<void> {
    await this.transmit([headerRecord(this.opts.name ?? 'VETSIM', new Date()), record(['Q', 1, ['', sampleId], '', 'ALL']), 'L|1|N'])
  }

  async transmit(records: string[]): Promise<void> {
    if (!this.link) throw new Error('not connected to the host')
    this.sent.push(records)
    await this.link.send(records)
  }
}
