/**
 * The reference-lab simulator that ships with VetOS: it plays a lab at the protocol boundary.
 * It accepts orders over MLLP (ORM^O01 / OML^O21), acknowledges them, and later sends ORU^R01
 * results to VetOS: preliminary, then final. An order's note can ask for trouble:
 *   "simulate: misspell"   the result comes back with the pet's name misspelled
 *   "simulate: correction" a corrected value follows the final result
 *   "simulate: reject"     the order is refused (AR)
 * and sendUnsolicited() sends a result nobody ordered.
 */
import { createServer, type Server } from 'node:net'
import { listen } from '../core/net'
import { Hl7Message, hl7Time, segment } from '../hl7/codec'
import { buildAck } from '../hl7/lab-messages'
import { frame, MllpFramer, type MllpChunk } from '../hl7/mllp'
import { mllpExchange } from '../hl7/transmitter'
import { PANELS, panelFor, rangeText, simulateValue } from './analytes'
import { rng } from '../demo/people'
import { textPdf } from './pdf'
import { misspell as misspellName } from './misspell'

export interface ReferenceLabOptions {
  port: number
  host?: string
  /** where VetOS listens for results */
  vetos: { host: string; port: number }
  /** seconds from order to preliminary and to final results */
  preliminaryAfter?: number
  finalAfter?: number
  log?: (line: string) => void
}

interface ReceivedOrder {
  orderNumber: string
  tests: string[]
  patientId: string
  owner: string
  pet: string
  dob: string
  sex: string
  species: string
  note: string
}

export class ReferenceLabSimulator {
  private server: Server | null = null
  private timers = new Set<NodeJS.Timeout>()
  private seq = 0
  private readonly rnd = rng(Date.now() % 100000)
    readonly received: ReceivedOrder[] = []
  port = 0

  constructor(private readonly opts: ReferenceLabOptions) {}

  private log(line: string): void {
    this.opts.log?.(`[reference lab] ${line}`)
  }

  async start(): Promise<void> {
    this.server = createServer((socket) => {
      const framer = new MllpFramer()
      socket.pipe(framer)
      socket.on('error', () => socket.destroy())
      framer.on('data', (chunk: MllpChunk) => {
        if (chunk.kind !== 'message') return
        socket.write(frame(this.onOrder(chunk.data.toString('utf8'))))
      })
    })
    this.port = await listen(this.server, this.opts.port, this.opts.host ?? '127.0.0.1')
    this.log(`accepting orders on MLLP port ${this.port}; results go to ${this.opts.vetos.host}:${this.opts.vetos.port}`)
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private later(seconds: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn().catch((e) => this.log(`could not deliver results: ${(e as Error).message}`))
    }, seconds * 1000)
    this.timers.add(t)
  }

  private onOrder(text: string): string {
    const now = new Date()
    let m: Hl7Message
    try {
      m = Hl7Message.parse(text)
    } catch (e) {
      return buildAck(null, 'AR', `SIM${++this.seq}`, now, (e as Error).message)
    }
    const pid = m.segment('PID')
    const orc = m.segment('ORC')
    const obrs = m.all('OBR')
    if (!pid || !orc || obrs.length === 0) return buildAck(m, 'AE', `SIM${++this.seq}`, now, 'an order needs PID, ORC and OBR')
    const note = m.segment('NTE')?.get(3) ?? ''
    const order: ReceivedOrder = {
      orderNumber: orc.get(2),
      tests: obrs.map((o) => o.get(4)),
      patientId: pid.get(3),
      owner: pid.get(5, 1),
      pet: pid.get(5, 2),
      dob: pid.get(7),
      sex: pid.get(8),
      species: pid.get(35),
      note
    }
    if (/simulate:\s*reject/i.test(note)) {
      this.log(`refusing order ${order.orderNumber} as asked`)
      return buildAck(m, 'AR', `SIM${++this.seq}`, now, 'Order refused (simulated)')
    }
    this.received.push(order)
    if (orc.get(1) === 'CA') {
      this.log(`order ${order.orderNumber} cancelled`)
      return buildAck(m, 'AA', `SIM${++this.seq}`, now)
    }
    this.log(`order ${order.orderNumber} for ${order.pet} ${order.owner}: ${order.tests.join(', ')}`)
    const filler = `SIM-${order.orderNumber}`
    const values = new Map(order.tests.flatMap((code) => (panelFor(code, order.species)?.analytes ?? []).map((a) => [a.code, simulateValue(a, this.rnd)] as const)))
    const misspell = /simulate:\s*misspell/i.test(note)
    this.later(this.opts.preliminaryAfter ?? 4, () => this.sendResults(order, filler, values, 'P', misspell))
    this.later(this.opts.finalAfter ?? 10, () => this.sendResults(order, filler, values, 'F', misspell))
    if (/simulate:\s*correction/i.test(note)) this.later((this.opts.finalAfter ?? 10) + 4, () => this.sendCorrection(order, filler))
    return buildAck(m, 'AA', `SIM${++this.seq}`, now)
  }

  private async sendResults(o: ReceivedOrder, filler: string, values: Map<string, { value: string; flag: string }>, status: 'P' | 'F', misspell: boolean): Promise<void> {
    // Preliminary results carry part of each panel, as a lab's first run would.
    const pet = misspell ? misspellName(o.pet) : o.pet
    const segments: string[] = []
    for (const code of o.tests) {
      const panel = panelFor(code, o.species)
      if (!panel) continue
      const analytes = status === 'P' ? panel.analytes.slice(0, Math.ceil(panel.analytes.length / 2)) : panel.analytes
      segments.push(segment('OBR', [String(segments.length + 1), o.orderNumber, filler, [code, panel.title], '', '', hl7Time(new Date()), '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', status]))
      analytes.forEach((a, i) => {
        const v = values.get(a.code)!
        segments.push(segment('OBX', [String(i + 1), 'NM', [a.code, a.name, 'L'], '', v.value, a.units, rangeText(a), v.flag, '', '', status, '', '', hl7Time(new Date())]))
      })
    }
    if (status === 'F' && segments.length > 0) {
      // Final results come with the lab's printed report, as reference labs send them.
      const lines = o.tests.flatMap((code) => (panelFor(code, o.species) ? [PANELS[code].title, ...panelFor(code, o.species)!.analytes.map((a) => `  ${a.name}: ${values.get(a.code)!.value} ${a.units} (${rangeText(a)}) ${values.get(a.code)!.flag === 'N' ? '' : values.get(a.code)!.flag}`), ''] : []))
      const pdf = textPdf(`Simulated Reference Lab - report ${filler}`, [`Patient: ${o.pet} (owner ${o.owner})`, `Order: ${o.orderNumber}`, '', ...lines])
      segments.push(segment('OBX', [String(segments.length + 1), 'ED', ['PDF', 'Lab report (PDF)', 'L'], '', ['SIMLAB', 'AP', 'PDF', 'Base64', pdf.toString('base64')], '', '', '', '', '', 'F']))
    }
    await this.deliver(o, pet, segments, `${status === 'P' ? 'preliminary' : 'final'} results for ${o.orderNumber}`)
  }

  private async sendCorrection(o: ReceivedOrder, filler: string): Promise<void> {
    const code = o.tests.find((c) => PANELS[c])
    if (!code) return
    const a = panelFor(code, o.species)!.analytes[0]
    const corrected = ((a.low + a.high) / 2).toFixed(a.decimals)
    const segments = [
      segment('OBR', ['1', o.orderNumber, filler, [code, PANELS[code].title], '', '', hl7Time(new Date()), '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'C']),
      segment('OBX', ['1', 'NM', [a.code, a.name, 'L'], '', corrected, a.units, rangeText(a), 'N', '', '', 'C', '', '', hl7Time(new Date())]),
      segment('NTE', ['1', 'L', 'Corrected after instrument recalibration'])
    ]
    await this.deliver(o, o.pet, segments, `correction for ${o.orderNumber}`)
  }

  /** A result for a patient nobody here ordered for (or with no order number at all). */
  async sendUnsolicited(p: { owner: string; pet: string; dob?: string; orderNumber?: string }): Promise<void> {
    const a = PANELS.T4.analytes[0]
    const v = simulateValue(a, this.rnd)
    const segments = [
      segment('OBR', ['1', p.orderNumber ?? '', `SIM-U${++this.seq}`, ['T4', 'Total T4'], '', '', hl7Time(new Date()), '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'F']),
      segment('OBX', ['1', 'NM', [a.code, a.name, 'L'], '', v.value, a.units, rangeText(a), v.flag, '', '', 'F'])
    ]
    await this.deliver({ orderNumber: p.orderNumber ?? '', tests: ['T4'], patientId: '', owner: p.owner, pet: p.pet, dob: p.dob ?? '', sex: '', species: '', note: '' }, p.pet, segments, 'an unsolicited result')
  }

  private async deliver(o: ReceivedOrder, pet: string, body: string[], what: string): Promise<void> {
    const controlId = `SIMR${Date.now()}${++this.seq}`
    const message = [
      segment('MSH', ['', '', 'REFLAB', 'SIMLAB', 'VETOS', '', hl7Time(new Date()), '', ['ORU', 'R01', 'ORU_R01'], controlId, 'P', '2.5']),
      segment('PID', ['1', '', o.patientId, '', [o.owner, pet], '', o.dob, o.sex, ...Array(26).fill(''), o.species]),
      segment('ORC', ['RE', o.orderNumber]),
      ...body
    ].join('\r')
    const answer = await mllpExchange(this.opts.vetos.host, this.opts.vetos.port, Buffer.from(message + '\r'), controlId, 10_000)
    this.log(`sent ${what}: ${answer.accepted ? 'accepted' : `refused (${answer.detail})`}`)
  }
}
