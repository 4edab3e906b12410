import { afterEach, describe, expect, it } from 'vitest'
import type { AuditInput, AuditLog } from '../../src-main/audit/chain'
import { RefusalLog } from '../../src-main/integrations/refusals'
import { until } from '../helpers/wait'

describe('refused connections, audited per listener, peer and window', () => {
  const rows: AuditInput[] = []
  const audit = { append: (e: AuditInput) => void rows.push(e) } as unknown as AuditLog
  let log: RefusalLog
  afterEach(() => {
    log.stop()
    rows.length = 0
  })

  it('writes the first refusal at once and the rest of the window as one row with a count', async () => {
    log = new RefusalLog(audit, 100)
    log.refused('astm.connection.refused', 'The ASTM listener', '10.0.0.9', 'not a configured address')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ action: 'astm.connection.refused', outcome: 'refused', details: { peer: '10.0.0.9', count: 1 } })
    expect(rows[0].summary).toBe('The ASTM listener refused a connection from 10.0.0.9: not a configured address')
    for (let i = 0; i < 500; i++) log.refused('astm.connection.refused', 'The ASTM listener', '10.0.0.9', 'not a configured address')
    expect(rows).toHaveLength(1)
    await until(() => rows.length === 2, 2000, 'the window closed')
    expect(rows[1]).toMatchObject({ details: { peer: '10.0.0.9', count: 500 } })
    expect(rows[1].summary).toMatch(/refused 500 more connections from 10\.0\.0\.9 within a minute: not a configured address/)
    // A new window: the next refusal is written at once again.
    log.refused('astm.connection.refused', 'The ASTM listener', '10.0.0.9', 'not a configured address')
    expect(rows).toHaveLength(3)
  })

  it('counts each peer and action apart, and stop() writes what is still counted', () => {
    log = new RefusalLog(audit, 60_000)
    for (let i = 0; i < 3; i++) log.refused('astm.connection.refused', 'The ASTM listener', '10.0.0.1', 'a')
    for (let i = 0; i < 2; i++) log.refused('astm.connection.refused', 'The ASTM listener', '10.0.0.2', 'b')
    log.refused('hl7.connection.refused', 'The HL7 listener', '10.0.0.1', 'c')
    expect(rows.map((r) => (r.details as { peer: string }).peer)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.1'])
    log.stop()
    expect(rows.slice(3).map((r) => r.details)).toEqual([
      { peer: '10.0.0.1', count: 2 },
      { peer: '10.0.0.2', count: 1 }
    ])
    expect(rows[4].summary).toMatch(/refused 1 more connection from/)
    // Nothing left to write: a second stop adds nothing.
    log.stop()
    expect(rows).toHaveLength(5)
  })
})
