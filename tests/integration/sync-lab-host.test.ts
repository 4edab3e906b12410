/**
 * A lab connection in a clinic with several workstations runs on one of them (the lab-room PC).
 * An order placed at the front desk syncs there and is sent from there, once; while the lab room
 * is off, the order waits and says so; the lab's answer comes back to the front desk by sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import hl7 from 'simple-hl7'
import { joinWorkstation, openWorkstation, syncedClinic, type SyncedClinic, type Workstation } from '../helpers/sync'
import { freePort, REFLAB_PROFILE } from '../helpers/labs'
import { until } from '../helpers/wait'

describe('a lab connection run by one workstation of the clinic', () => {
  let clinic: SyncedClinic
  let labPort: number
  const received: string[] = []
  let lab: { stop(): void }
  const stations: Workstation[] = []

  beforeAll(async () => {
    clinic = await syncedClinic()
    labPort = await freePort()
    const l = hl7.tcp()
    l.use((req, res) => {
      received.push(req.raw)
      res.end()
    })
    l.start(labPort)
    lab = l
    for (const name of ['lab-room', 'front-desk']) {
      const w = await joinWorkstation(clinic, name)
      await w.signIn()
      stations.push(w)
    }
  })
  afterAll(async () => {
    lab?.stop()
    for (const s of stations) await s.close()
    await clinic?.close()
  })

  it('sends an order placed at the front desk from the lab room, once, and the lab’s answer comes back', async () => {
    const [labRoom, frontDesk] = stations
    const reflab = labRoom.call('integrations.create', { kind: 'reference_lab', name: 'Reference lab', config: { host: '127.0.0.1', port: labPort, lab: REFLAB_PROFILE, retrySeconds: 1, workstationId: labRoom.deviceId, workstationName: 'the lab-room PC' } })
    labRoom.call('integrations.approve', { id: reflab.id, categories: ['patient_identity', 'lab_orders'] })
    await until(() => frontDesk.app.services.integrations.list().some((i) => i.id === reflab.id && !!i.approval), 15_000, 'the lab on the front desk')
    const client = frontDesk.call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const patient = frontDesk.call('patients.create', { clientId: client.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered' })
    const order = frontDesk.call('labs.placeOrder', { patientId: patient.id, integrationId: reflab.id, tests: ['CBC'], priority: 'routine' })
    const status = () => frontDesk.call('labs.orders', { patientId: patient.id }).find((o) => o.id === order.id)!
    expect(status().timeline.map((e) => e.detail)).toContain('Waiting for the lab-room PC to send it to Reference lab')
    await until(() => status().status === 'accepted', 20_000, 'the lab’s acceptance back on the front desk')
    expect(received).toHaveLength(1)
    expect(received[0]).toContain(order.orderNumber)
    // The front desk never held a message of its own for this lab.
    expect(frontDesk.app.core.store.sqlite.prepare('SELECT count(*) FROM outbound_messages').pluck().get()).toBe(0)
  })

  it('keeps an order waiting while the lab room is off, and sends it when it starts again', async () => {
    const [labRoom, frontDesk] = stations
    await labRoom.app.close()
    const patient = frontDesk.call('patients.search', { query: 'pimienta', kind: 'name', limit: 1, includeDeceased: false })[0]
    const reflab = frontDesk.app.services.integrations.list().find((i) => i.kind === 'reference_lab' && i.config.workstationId === labRoom.deviceId)!
    const order = frontDesk.call('labs.placeOrder', { patientId: patient.id, integrationId: reflab.id, tests: ['T4'], priority: 'routine' })
    await until(() => frontDesk.call('sync.status', {})!.pending === 0, 15_000, 'the order on the server')
    expect(received).toHaveLength(1)
    const restarted = openWorkstation(clinic, labRoom.dir, labRoom.deviceId)
    await restarted.app.start()
    stations[0] = restarted
    await until(() => received.length === 2, 20_000, 'the order sent by the lab room after its restart')
    expect(received[1]).toContain(order.orderNumber)
    await until(() => frontDesk.call('labs.orders', { patientId: patient.id }).find((o) => o.id === order.id)!.status === 'accepted', 20_000, 'accepted on the front desk')
  })
})
