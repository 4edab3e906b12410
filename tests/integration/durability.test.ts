import { afterAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { hl7PortOf, startHubProcess, type RunningHub } from '../helpers/hub'
import { tempDir } from '../helpers/app'
import { frame, MllpFramer, type MllpChunk } from '../../src-main/hl7/mllp'
import { Hl7Message } from '../../src-main/hl7/codec'
import { oru } from '../helpers/labs'


/** Streams messages one after another on one connection; returns the control ids acknowledged AA. */
function stream(port: number, messages: { id: string; text: string }[], onAck: (n: number) => void): Promise<Set<string>> {
  return new Promise((resolve) => {
    const acked = new Set<string>()
    const socket: Socket = connect({ host: '127.0.0.1', port })
    const framer = new MllpFramer()
    let next = 0
    const send = () => next < messages.length && socket.write(frame(messages[next++].text))
    socket.pipe(framer)
    framer.on('data', (c: MllpChunk) => {
      if (c.kind !== 'message') return
      const msa = Hl7Message.parse(c.data.toString()).segment('MSA')!
      if (msa.get(1) === 'AA') acked.add(msa.get(2))
      onAck(acked.size)
      if (acked.size === messages.length) socket.end()
      else send()
    })
    socket.on('connect', send)
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(acked))
  })
}

describe('durability: the hub killed in the middle of a stream of results', () => {
  const dir = tempDir()
  let hub: RunningHub | null = null
  afterAll(async () => {
    await hub?.stop('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every acknowledged message exactly once and accepts the rest when they are resent', async () => {
    hub = await startHubProcess(['--data-dir', dir, '--demo', '--hl7-host', '127.0.0.1', '--hl7-port', '0'])
    const messages = Array.from({ length: 150 }, (_, i) => ({ id: `DUR-${i}`, text: oru({ controlId: `DUR-${i}`, owner: 'Crashtest', pet: `Dummy${i}`, filler: `F-DUR-${i}` }) }))
    const first = hub
    const acked = await stream(hl7PortOf(first), messages, (n) => {
      if (n === 60) first.proc.kill('SIGKILL')
    })
    await first.stop('SIGKILL')
    expect(acked.size).toBeGreaterThanOrEqual(60)
    expect(acked.size).toBeLessThan(messages.length)

    // After a restart, everything acknowledged is there, once.
    hub = await startHubProcess(['--data-dir', dir, '--hl7-host', '127.0.0.1', '--hl7-port', '0'])
    const count = (ids: string[]) => {
      const db = new Database(join(dir, 'vetos.db'), { readonly: true })
      const rows = db
        .prepare(`SELECT m.control_id AS id, count(DISTINCT r.id) AS reports FROM inbound_messages m LEFT JOIN lab_reports r ON r.inbound_id = m.id WHERE m.status = 'processed' AND m.control_id IN (${ids.map(() => '?').join(',')}) GROUP BY m.control_id`)
        .all(...ids) as { id: string; reports: number }[]
      db.close()
      return new Map(rows.map((r) => [r.id, r.reports]))
    }
    const afterCrash = count([...acked])
    for (const id of acked) expect(afterCrash.get(id), `acknowledged ${id} is stored once`).toBe(1)

    // The sender resends everything it has no ACK for (and, being careful, the last ACKed one too).
    const lastAcked = [...acked].at(-1)!
    const resend = messages.filter((m) => !acked.has(m.id) || m.id === lastAcked)
    const second = await stream(hl7PortOf(hub), resend, () => undefined)
    expect(second.size).toBe(resend.length)
    const all = count(messages.map((m) => m.id))
    expect(all.size).toBe(messages.length)
    for (const m of messages) expect(all.get(m.id), `${m.id} stored exactly once`).toBe(1)
  }, 60_000)
})
