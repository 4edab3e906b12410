import { connect, createServer, type Server, type Socket } from 'node:net'
import { MllpFramer, frame, type MllpChunk } from '../../src-main/hl7/mllp'
import hl7 from 'simple-hl7'
import { Hl7Message } from '../../src-main/hl7/codec'
import type { LabProfile } from '../../src-preload/contract'
import { makeApp, type TestApp } from './app'

export const REFLAB_PROFILE: LabProfile = {
  orderMessage: 'ORM^O01',
  application: 'VETOS',
  facility: 'RIVERSIDE',
  labApplication: 'REFLAB',
  labFacility: 'LAB1',
  catalog: [
    { code: 'CBC', name: 'Complete blood count', specimen: 'EDTA whole blood', kind: 'panel' },
    { code: 'CHEM10', name: 'Chemistry panel', specimen: 'Serum', kind: 'panel' },
    { code: 'T4', name: 'Total T4', specimen: 'Serum', kind: 'test' }
  ],
  speciesCodes: { canine: 'CAN', feline: 'FEL' },
  sexCodes: { 'male/neutered': 'MN', 'male/intact': 'M', 'female/neutered': 'FS', 'female/intact': 'F' }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** A demo app with its HL7 listener running and one approved reference lab at labPort. */
export async function labApp(labPort: number, extra: { retrySeconds?: number } = {}): Promise<TestApp & { labId: string; hl7Port: number; vetToken: string }> {
  const t = makeApp({ labs: { hl7: { host: '127.0.0.1', port: 0 } } })
  await t.app.start()
  t.signIn('admin')
  // The demo clinic's own simulated lab would claim the same sender name; this test has its own lab.
  for (const i of t.call('integrations.list', {})) if (i.kind === 'reference_lab') t.call('integrations.update', { id: i.id, enabled: false })
  const lab = t.call('integrations.create', { kind: 'reference_lab', name: 'Test Reference Lab', config: { host: '127.0.0.1', port: labPort, lab: REFLAB_PROFILE, retrySeconds: extra.retrySeconds ?? 1, ackTimeoutSeconds: 5 } })
  t.call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
  const vetToken = t.signIn('veterinarian')
  return Object.assign(t, { labId: lab.id, hl7Port: t.app.services.labs.listener!.port, vetToken })
}

/** An ORU^R01 as a reference lab sends it. */
export function oru(o: {
  controlId: string
  orderNumber?: string
  filler?: string
  owner: string
  pet: string
  patientId?: string
  dob?: string
  sex?: string
  status?: 'P' | 'F' | 'C'
  values?: [code: string, name: string, value: string, units: string, range: string, flag: string][]
}): string {
  const status = o.status ?? 'F'
  // A lab numbers each order once; the same number on two orders is a contradiction the rule refuses.
  const filler = o.filler ?? `F-${o.orderNumber || o.controlId}`
  const values = o.values ?? [
    ['WBC', 'White blood cells', '12.5', '10*9/L', '6.0-17.0', 'N'],
    ['HCT', 'Hematocrit', '29', '%', '37-55', 'L']
  ]
  return [
    `MSH|^~\\&|REFLAB|LAB1|VETOS|RIVERSIDE|20261128093000||ORU^R01^ORU_R01|${o.controlId}|P|2.5`,
    `PID|1||${o.patientId ?? ''}||${o.owner}^${o.pet}||${o.dob ?? ''}|${o.sex ?? ''}`,
    `ORC|RE|${o.orderNumber ?? ''}|${filler}`,
    `OBR|1|${o.orderNumber ?? ''}|${filler}|CBC^Complete blood count|||20261128080000|||||||||||||||||${status}`,
    ...values.map((v, i) => `OBX|${i + 1}|NM|${v[0]}^${v[1]}^L||${v[2]}|${v[3]}|${v[4]}|${v[5]}|||${status}|||20261128083000`)
  ].join('\r')
}

/** Sends raw bytes over one MLLP connection and collects the answers. */
export async function exchange(port: number, payloads: Buffer[], expectAnswers = payloads.length): Promise<Hl7Message[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const framer = new MllpFramer()
    const acks: Hl7Message[] = []
    socket.pipe(framer)
    framer.on('data', (c: MllpChunk) => {
      if (c.kind === 'message') acks.push(Hl7Message.parse(c.data.toString()))
      if (acks.length === expectAnswers) {
        socket.end()
        resolve(acks)
      }
    })
    socket.on('error', reject)
    socket.on('connect', () => payloads.forEach((p) => socket.write(p)))
    // A deadline, not a speed goal (bench/ measures speed): a loaded machine needs the room.
    setTimeout(() => reject(new Error(`only ${acks.length} of ${expectAnswers} answers`)), 20_000)
  })
}

/** A lab's MLLP server (on port, or any free one) that accepts every order, keeping what it received. */
export function ackingLab(port = 0): Promise<{ server: Server; port: number; received: string[]; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const received: string[] = []
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      const framer = new MllpFramer()
      socket.pipe(framer)
      socket.on('error', () => socket.destroy())
      framer.on('data', (c: MllpChunk) => {
        if (c.kind !== 'message') return
        const msg = Hl7Message.parse(c.data.toString())
        received.push(c.data.toString())
        socket.write(frame(`MSH|^~\\&|LAB|LAB|VETOS|RIVERSIDE|20261202100000||ACK^O01^ACK|A${received.length}|P|2.5\rMSA|AA|${msg.msh.get(10)}`))
      })
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port, received, close: () => new Promise((r) => { server.close(() => r()); for (const s of sockets) s.destroy() }) })
    )
  })
}

/** A lab's MLLP server run by the independent simple-hl7 library: ACKs with `answer` and keeps what it received. */
export function fakeLab(port: number, answer: 'AA' | 'AR' = 'AA') {
  const received: string[] = []
  const server = hl7.tcp()
  server.use((req, res) => {
    received.push(req.raw.replace(/^\x0b|\x1c\r$/g, ''))
    if (answer !== 'AA') res.ack.getSegment('MSA').setField(1, answer)
    res.end()
  })
  server.start(port)
  return { received, stop: () => server.stop() }
}
