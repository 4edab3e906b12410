import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame } from '../../src-main/hl7/mllp'
import { exchange, fakeLab, freePort, labApp, oru } from '../helpers/labs'
import type { TestApp } from '../helpers/app'
import { until } from '../helpers/wait'

type App = Awaited<ReturnType<typeof labApp>>

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const withPdf = (msg: string) => `${msg}\rOBX|3|ED|PDF^Lab report (PDF)^L||^application^pdf^Base64^${PDF.toString('base64')}||||||F`

/**
 * Results from a reference lab over real MLLP, and what the vet is told: one notification per order
 * state that matters, also when the lab sends the same message again; the lab's PDF as a document.
 */
describe('lab result notifications and embedded reports', () => {
  let t: App
  let labPort: number
  let lab: ReturnType<typeof fakeLab> | null
  let patient: { id: string; owner: string; pet: string }

  beforeEach(async () => {
    labPort = await freePort()
    lab = fakeLab(labPort)
    t = await labApp(labPort)
    const c = t.call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2019-04-02' })
    patient = { id: p.id, owner: 'Quintana', pet: 'Pimienta' }
  })
  afterEach(async () => {
    lab?.stop()
    await (t as TestApp).close()
  })

  const placed = async () => {
    const o = t.call('labs.placeOrder', { patientId: patient.id, integrationId: t.labId, tests: ['CBC'], priority: 'routine' })
    await until(() => t.call('labs.orders', { patientId: patient.id }).find((x) => x.id === o.id)!.status === 'accepted')
    return o
  }
  const send = (...messages: string[]) => exchange(t.hl7Port, messages.map((m) => frame(m)))
  const notes = () => t.call('notifications.list', {}, t.vetToken).filter((n) => n.patientId === patient.id || n.kind.endsWith('review'))

  it('tells the vet once when the results are final, not for the routine preliminary before, nor when the lab sends the final again', async () => {
    const o = await placed()
    await send(oru({ controlId: 'P-1', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet, status: 'P' }))
    expect(notes()).toEqual([])
    const final = oru({ controlId: 'F-1', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet })
    await send(final)
    // the same message again, and the same results under a new control id (a lab resending its batch)
    await send(final, final.replace('|F-1|', '|F-1b|'))
    const list = notes()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ kind: 'lab.final', severity: 'warning', title: 'Final results: Pimienta — Complete blood count, 1 abnormal', body: `2 values, 1 outside the reference range · order ${o.orderNumber}`, link: `/patients/${patient.id}?tab=labs&order=${o.id}` })
  })

  it('tells a critical preliminary value at once, then the final results, each once', async () => {
    const o = await placed()
    const critical: [string, string, string, string, string, string][] = [['K', 'Potassium', '7.9', 'mmol/L', '3.5-5.8', 'HH']]
    const prelim = oru({ controlId: 'P-2', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet, status: 'P', values: critical })
    await send(prelim, prelim.replace('|P-2|', '|P-2b|'))
    expect(notes().map((n) => [n.kind, n.severity])).toEqual([['lab.preliminary', 'critical']])
    await send(oru({ controlId: 'F-2', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet, values: critical }))
    expect(notes().map((n) => n.kind).sort()).toEqual(['lab.final', 'lab.preliminary'])
  })

  it('tells each correction once per set of values', async () => {
    const o = await placed()
    await send(oru({ controlId: 'F-3', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet }))
    const corrected = (id: string, hct: string) => oru({ controlId: id, orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet, status: 'C', values: [['HCT', 'Hematocrit', hct, '%', '37-55', 'N']] })
    await send(corrected('C-1', '41'), corrected('C-1', '41'))
    expect(notes().map((n) => n.kind).sort()).toEqual(['lab.corrected', 'lab.final'])
    await send(corrected('C-2', '43'))
    expect(notes().filter((n) => n.kind === 'lab.corrected').map((n) => n.title)).toEqual([expect.stringMatching(/^Corrected results: Pimienta/), expect.stringMatching(/^Corrected results: Pimienta/)])
  })

  it('tells once that a result needs review, also when it comes again, and opens the review item', async () => {
    const o = await placed()
    const misspelled = oru({ controlId: 'R-1', orderNumber: o.orderNumber, owner: patient.owner, pet: 'Pimenta' })
    await send(misspelled, misspelled.replace('|R-1|', '|R-1b|'))
    const review = notes().filter((n) => n.kind === 'lab.review')
    expect(review).toHaveLength(1)
    expect(review[0]).toMatchObject({ title: 'Needs review: Pimenta (Quintana) — Complete blood count', body: 'pet name "Pimenta" differs from "Pimienta"' })
    expect(review[0].link).toMatch(/^\/lab-review\?report=[0-9a-f-]+$/)
    expect(t.call('labs.reviewQueue', {}).map((i) => i.reportId)).toContain(review[0].link!.split('=')[1])
  })

  it("keeps the lab's PDF as a document of the report and the patient, never as a value or in the count", async () => {
    const o = await placed()
    await send(withPdf(oru({ controlId: 'F-4', orderNumber: o.orderNumber, owner: patient.owner, pet: patient.pet })))
    const [report] = t.call('labs.results', { patientId: patient.id })
    expect(report.observations.map((x) => x.code)).toEqual(['WBC', 'HCT'])
    expect(report.documents).toEqual([{ id: expect.any(String), title: 'Lab report (PDF)', mime: 'application/pdf' }])
    expect(t.call('documents.list', { patientId: patient.id }).map((d) => [d.id, d.reportId])).toEqual([[report.documents[0].id, report.id]])
    expect(notes()[0].body).toMatch(/^2 values/)
    // the printable report carries the same split
    expect(t.call('labs.report', { reportId: report.id }, t.vetToken).report.observations).toHaveLength(2)
    // and a report held for review shows its values without the PDF
    await send(withPdf(oru({ controlId: 'R-4', orderNumber: 'NOT-OURS', owner: patient.owner, pet: patient.pet })))
    expect(t.call('labs.reviewQueue', {})[0].observations.map((x) => x.code)).toEqual(['WBC', 'HCT'])
  })

  it('tells the ordering vet once that the lab refused an order, and again if it refuses the resubmission', async () => {
    lab!.stop()
    lab = fakeLab(labPort, 'AR')
    const o = t.call('labs.placeOrder', { patientId: patient.id, integrationId: t.labId, tests: ['CBC'], priority: 'routine' })
    const status = () => t.call('labs.orders', { patientId: patient.id }).find((x) => x.id === o.id)!.status
    await until(() => status() === 'rejected')
    expect(notes()).toEqual([expect.objectContaining({ kind: 'lab.rejected', title: 'Rejected by the lab: Pimienta — Complete blood count', link: `/patients/${patient.id}?tab=labs&order=${o.id}` })])
    t.call('labs.resubmitOrder', { orderId: o.id })
    await until(() => notes().length === 2)
    expect(notes().map((n) => n.kind)).toEqual(['lab.rejected', 'lab.rejected'])
  })
})
