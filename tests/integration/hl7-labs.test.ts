import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
// An independent HL7 implementation plays the reference lab, on real TCP sockets.
import hl7 from 'simple-hl7'
import { frame } from '../../src-main/hl7/mllp'
import { Hl7Message } from '../../src-main/hl7/codec'
import { exchange, fakeLab, freePort, labApp, oru } from '../helpers/labs'
import type { TestApp } from '../helpers/app'
import { until } from '../helpers/wait'

type App = Awaited<ReturnType<typeof labApp>>

/** Sends one ORU with the independent library's client and returns its ACK. */
function sendWithLibrary(port: number, message: string): Promise<{ code: string; controlId: string }> {
  return new Promise((resolve, reject) => {
    const client = hl7.Server.createTcpClient('127.0.0.1', port)
    client.send(message, (err, ack) => {
      if (err) return reject(err)
      const msa = ack.getSegment('MSA')
      resolve({ code: msa.getField(1).toString(), controlId: msa.getField(2).toString() })
    })
  })
}

describe('reference lab over HL7/MLLP', () => {
  let t: App
  let labPort: number
  let lab: ReturnType<typeof fakeLab> | null
  let patient: { id: string; name: string; owner: string; dob: string | null }

  beforeEach(async () => {
    labPort = await freePort()
    lab = fakeLab(labPort)
    t = await labApp(labPort)
    const c = t.call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2019-04-02' })
    patient = { id: p.id, name: p.name, owner: 'Quintana', dob: '20190402' }
  })
  afterEach(async () => {
    lab?.stop()
    await (t as TestApp).close()
  })

  const place = (tests = ['CBC']) => t.call('labs.placeOrder', { patientId: patient.id, integrationId: t.labId, tests, priority: 'routine' })
  const order = (id: string) => t.call('labs.orders', { patientId: patient.id }).find((o) => o.id === id)!

  it('sends the order as ORM^O01 with the veterinary PID and the lab accepts it', async () => {
    const o = place(['CBC', 'T4'])
    await until(() => order(o.id).status === 'accepted')
    const orm = Hl7Message.parse(lab!.received[0])
    expect(`${orm.type}^${orm.trigger}`).toBe('ORM^O01')
    expect(orm.segment('PID')!.get(5, 1)).toBe('Quintana')
    expect(orm.segment('PID')!.get(5, 2)).toBe('Pimienta')
    expect(orm.segment('PID')!.get(8)).toBe('FS')
    expect(orm.segment('PID')!.get(35)).toBe('CAN')
    expect(orm.segment('ORC')!.get(1)).toBe('NW')
    expect(orm.all('OBR').map((s) => [s.get(2), s.get(4)])).toEqual([[o.orderNumber, 'CBC'], [o.orderNumber, 'T4']])
    expect(order(o.id).timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'accepted'])
  })

  it('speaks HL7 v2.3.1 to a lab whose profile says so: the species and breed where its PID has them, both ways', async () => {
    const lab231 = { ...t.call('integrations.list', {}).find((i) => i.id === t.labId)!.config.lab!, hl7Version: '2.3.1' as const, pidSpeciesField: 10, pidBreedField: 22 }
    t.signIn('admin')
    t.call('integrations.update', { id: t.labId, config: { ...t.call('integrations.list', {}).find((i) => i.id === t.labId)!.config, lab: lab231 } })
    t.call('integrations.approve', { id: t.labId, categories: ['patient_identity', 'lab_orders'] })
    t.signIn('veterinarian')
    const c = t.call('clients.create', { firstName: 'Ines', lastName: 'Arroyo', phones: [] })
    const pet = t.call('patients.create', { clientId: c.id, name: 'Canela', species: 'canine', breed: 'Podenco', sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2020-05-06' })
    const o = t.call('labs.placeOrder', { patientId: pet.id, integrationId: t.labId, tests: ['CBC'], priority: 'routine' })
    const status = () => t.call('labs.orders', { patientId: pet.id })[0].status
    await until(() => status() === 'accepted')
    // Read as the lab's own system would: plain fields, no VetOS code.
    const lines = lab!.received[0].split('\r')
    expect(lines[0].split('|')[11]).toBe('2.3.1')
    const pid = lines.find((l) => l.startsWith('PID|'))!.split('|')
    expect([pid[10], pid[22], pid[35]]).toEqual(['CAN^canine', 'Podenco', undefined])
    // Its result says the species and breed in the same places, sent by the independent library's client.
    const result = oru({ controlId: 'V231-1', orderNumber: o.orderNumber, owner: 'Arroyo', pet: 'Canela', patientId: pet.id, sex: 'FS' })
      .replace('|2.5\r', '|2.3.1\r')
      .replace(/^(PID\|[^\r]*)/m, (line) => `${line}${'|'.repeat(10 - (line.split('|').length - 1))}CAN${'|'.repeat(12)}Podenco`)
    expect(await sendWithLibrary(t.hl7Port, result)).toMatchObject({ code: 'AA' })
    await until(() => status() === 'final')
    expect(t.call('labs.results', { patientId: pet.id })[0].attachedAutomatically).toBe(true)
    // Both were read from where this lab puts them, and agreed with Canela.
    const ids = JSON.parse(t.app.core.store.sqlite.prepare('SELECT identifiers FROM lab_reports WHERE order_number = ?').pluck().get(o.orderNumber) as string)
    expect(ids).toMatchObject({ species: 'CAN', breed: 'Podenco' })
  })

  it('sends an order queued while the queue was just finishing a look for work', async () => {
    // Wiring a transmitter makes the queue look for work at once; an order queued before that look has ended must still go.
    const sent: Buffer[] = []
    const q = t.app.services.labs.outbound
    q.register(t.labId, {
      async send(permit, payload) {
        permit.spend(t.labId)
        sent.push(payload)
        return { accepted: true, response: Buffer.alloc(0), detail: 'accepted' }
      }
    })
    place()
    await until(() => sent.length === 1, 5000)
  })

  it('keeps orders while the lab is down and sends them, in order, when it returns', async () => {
    lab!.stop()
    lab = null
    const first = place(['CBC'])
    const second = place(['T4'])
    await until(() => order(first.id).timeline.some((e) => e.status === 'waiting'))
    expect(order(second.id).status).toBe('queued')
    lab = fakeLab(labPort)
    await until(() => order(second.id).status === 'accepted', 10_000)
    const numbers = lab.received.map((m) => Hl7Message.parse(m).segment('ORC')!.get(2))
    expect(numbers).toEqual([first.orderNumber, second.orderNumber])
  })

  it('attaches a matching result by itself, acknowledges AA after storing it, and tells the vet', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    const ack = await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-1', orderNumber: o.orderNumber, owner: 'QUINTANA', pet: 'pimienta', patientId: patient.id, dob: patient.dob!, sex: 'FS' }))
    expect(ack).toEqual({ code: 'AA', controlId: 'RES-1' })
    const results = t.call('labs.results', { patientId: patient.id })
    expect(results).toHaveLength(1)
    expect(results[0]).toMatchObject({ orderNumber: o.orderNumber, attachedAutomatically: true })
    expect(results[0].observations.map((x) => [x.code, x.valueNum, x.flag])).toEqual([['WBC', 12.5, 'N'], ['HCT', 29, 'L']])
    expect(order(o.id).status).toBe('final')
    const vetNotes = t.call('notifications.list', {}, t.vetToken)
    expect(vetNotes.some((n) => n.kind === 'lab.final' && n.patientId === patient.id && n.severity === 'warning')).toBe(true)
    expect(t.call('labs.reviewQueue', {})).toHaveLength(0)
  })

  it('sends a result with a misspelled pet name to review, ranks the right patient first, and never attaches it alone', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    expect((await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-2', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimenta' }))).code).toBe('AA')
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(0)
    const [item] = t.call('labs.reviewQueue', {})
    expect(item.reasons).toEqual(['pet name "Pimenta" differs from "Pimienta"'])
    expect(item.candidates[0]).toMatchObject({ patientId: patient.id, orderId: o.id })
    expect(item.candidates[0].reasons).toContain(`order ${o.orderNumber} is this patient's`)
    // a person attaches it; then undoes it; then attaches again
    expect(t.call('labs.reviewCount', {})).toEqual({ count: 1 })
    t.call('labs.attach', { reportId: item.reportId, patientId: patient.id, orderId: o.id, reason: 'Same dog; lab misspelled the name' })
    expect(t.call('labs.results', { patientId: patient.id })[0].attachedBy).toBe(t.call('auth.me', {}).displayName)
    expect(t.call('labs.reviewQueue', {})).toEqual([])
    expect(t.call('labs.reviewCount', {})).toEqual({ count: 0 })
    t.call('labs.detach', { reportId: item.reportId, reason: 'Attached to the wrong patient' })
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(0)
    expect(t.call('labs.reviewQueue', {}).map((i) => i.reportId)).toEqual([item.reportId])
    expect(t.call('labs.reviewCount', {})).toEqual({ count: 1 })
    const actions = t.call('audit.list', { limit: 20 }).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['lab.result.review', 'lab.result.attached_manually', 'lab.result.detached']))
  })

  it('sends results with no or an unknown order number to review', async () => {
    await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-3', owner: 'Quintana', pet: 'Pimienta' }))
    await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-4', orderNumber: 'ZZ999', owner: 'Quintana', pet: 'Pimienta' }))
    const reasons = t.call('labs.reviewQueue', {}).map((i) => i.reasons[0])
    expect(reasons).toEqual(['the result carries no order number', 'order number ZZ999 is not one of ours'])
    // oldest first, as many as asked
    expect(t.call('labs.reviewQueue', { limit: 1 }).map((i) => i.reasons[0])).toEqual(['the result carries no order number'])
    expect(t.call('labs.reviewCount', {})).toEqual({ count: 2 })
  })

  it('stores and acknowledges results arriving on several connections at once, with a silent connection open beside them', async () => {
    // Messages from several connections share one commit; an open connection that sends nothing must not hold them back.
    const silent = connect({ host: '127.0.0.1', port: t.hl7Port })
    await new Promise((r) => silent.once('connect', r))
    const labs = [0, 1, 2].map((c) => exchange(t.hl7Port, [0, 1, 2, 3, 4].map((k) => frame(oru({ controlId: `MULTI-${c}-${k}`, owner: 'Nobody', pet: `Pet${c}${k}` })))))
    const acks = (await Promise.all(labs)).flat()
    silent.destroy()
    expect(acks.map((a) => a.segment('MSA')!.get(1))).toEqual(Array(15).fill('AA'))
    expect(new Set(acks.map((a) => a.segment('MSA')!.get(2))).size).toBe(15)
    expect(t.call('labs.reviewQueue', {})).toHaveLength(15)
  })

  it('acknowledges a resent message again and stores nothing twice', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    const msg = oru({ controlId: 'RES-5', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimienta' })
    expect((await sendWithLibrary(t.hl7Port, msg)).code).toBe('AA')
    expect((await sendWithLibrary(t.hl7Port, msg)).code).toBe('AA')
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(1)
    const log = t.call('integrations.messages', { direction: 'inbound', integrationId: t.labId })
    expect(log.map((m) => m.status)).toEqual(['duplicate', 'processed'])
  })

  it('supersedes a value with its correction and keeps the original as history', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-6', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimienta', filler: 'F-77' }))
    await sendWithLibrary(t.hl7Port, oru({ controlId: 'RES-7', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimienta', filler: 'F-77', status: 'C', values: [['HCT', 'Hematocrit', '39', '%', '37-55', 'N']] }))
    const all = t.call('labs.results', { patientId: patient.id }).flatMap((r) => r.observations).filter((x) => x.code === 'HCT')
    expect(all.map((x) => [x.valueNum, x.status, x.superseded])).toEqual(expect.arrayContaining([[29, 'F', true], [39, 'C', false]]))
    expect(t.call('labs.trend', { patientId: patient.id, code: 'HCT' }).map((p) => p.value)).toEqual([39])
    expect(order(o.id).timeline.map((e) => e.status)).toContain('corrected')
  })

  it('answers malformed HL7 with AR and an ERR segment, keeps it, and processes the next message on the same connection', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    const acks = await exchange(t.hl7Port, [
      frame('this is not HL7'),
      Buffer.from('garbage between frames'),
      frame('MSH|^~\\&|REFLAB|LAB1|VETOS|RIVERSIDE|20261128||ADT^A01|ADT-1|P|2.5\rPID|1'),
      frame(oru({ controlId: 'RES-8', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimienta' }))
    ], 3)
    expect(acks.map((a) => a.segment('MSA')!.get(1))).toEqual(['AR', 'AR', 'AA'])
    expect(acks[0].segment('ERR')).toBeDefined()
    expect(acks[2].segment('MSA')!.get(2)).toBe('RES-8')
    const log = t.call('integrations.messages', { direction: 'inbound' })
    expect(log.filter((m) => m.status === 'rejected').map((m) => m.error)).toEqual(
      expect.arrayContaining(['bytes outside an MLLP frame', 'The message does not start with an MSH segment', 'message type ADT^A01 is not accepted here'])
    )
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(1)
  })

  it('keeps a PDF report embedded in the result (OBX ED) as a document on the patient', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
    const msg = oru({ controlId: 'RES-PDF', orderNumber: o.orderNumber, owner: 'Quintana', pet: 'Pimienta' }) + `\rOBX|3|ED|PDF^Lab report^L||^application^pdf^Base64^${pdf.toString('base64')}||||||F`
    expect((await sendWithLibrary(t.hl7Port, msg)).code).toBe('AA')
    const docs = t.call('documents.list', { patientId: patient.id })
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ mime: 'application/pdf', bytes: pdf.length })
    expect(Buffer.from(t.call('documents.get', { id: docs[0].id }).base64, 'base64')).toEqual(pdf)
  })

  it('cancels an order at the lab with ORC-1 CA', async () => {
    const o = place()
    await until(() => order(o.id).status === 'accepted')
    t.call('labs.cancelOrder', { orderId: o.id, reason: 'Owner declined' })
    await until(() => order(o.id).status === 'cancelled')
    const cancel = Hl7Message.parse(lab!.received[1])
    expect(cancel.segment('ORC')!.get(1)).toBe('CA')
    expect(cancel.segment('ORC')!.get(2)).toBe(o.orderNumber)
  })

  it('marks an order rejected when the lab refuses it, and resubmits it', async () => {
    lab!.stop()
    lab = fakeLab(labPort, 'AR')
    const o = place()
    await until(() => order(o.id).status === 'rejected')
    lab.stop()
    lab = fakeLab(labPort)
    t.call('labs.resubmitOrder', { orderId: o.id })
    await until(() => order(o.id).status === 'accepted')
  })
})
