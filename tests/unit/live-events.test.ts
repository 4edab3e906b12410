import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EventBus, forwardLive, type Envelope } from '../../src-main/events'

/** What a renderer is sent while a burst of lab results writes thousands of rows a second. */
describe('live events to a renderer', () => {
  let bus: EventBus
  let sent: Envelope[]
  beforeEach(() => {
    vi.useFakeTimers()
    bus = new EventBus()
    sent = []
    forwardLive(bus, (e) => sent.push(e), 250)
  })
  afterEach(() => vi.useRealTimers())

  const change = (entity: 'patient' | 'audit', id: string) => bus.emit('changed', { entity, id, patientId: entity === 'patient' ? id : null })
  const note = (title: string) => bus.emit('notification', { id: title, kind: 'lab.result', severity: 'info', title, body: null, patientId: null, createdAt: '', readAt: null, link: null }, 'vet-1')

  it('sends a lone change at once', () => {
    change('patient', 'p1')
    expect(sent.map((e) => e.event.payload)).toEqual([{ entity: 'patient', id: 'p1', patientId: 'p1' }])
  })

  it('gathers a burst: one per record, one for the audit log, sent when the window closes', () => {
    change('patient', 'p1')
    for (let k = 0; k < 1000; k++) {
      change('patient', `p${k % 3}`)
      change('audit', `a${k}`)
    }
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(250)
    expect(sent.map((e) => (e.event.type === 'changed' ? `${e.event.payload.entity}:${e.event.payload.id}` : e.event.type)).sort()).toEqual(['audit:a999', 'patient:p0', 'patient:p1', 'patient:p1', 'patient:p2'])
    // quiet again: the next change goes at once
    vi.advanceTimersByTime(250)
    change('patient', 'p9')
    expect(sent).toHaveLength(6)
  })

  it('passes every notification through at once, with its recipient', () => {
    change('patient', 'p1')
    note('first')
    note('second')
    expect(sent.filter((e) => e.event.type === 'notification').map((e) => [e.recipientId, (e.event.payload as { title: string }).title])).toEqual([
      ['vet-1', 'first'],
      ['vet-1', 'second']
    ])
  })
})
