import type { ServerEvent, ServerEvents } from '../src-preload/contract'

/** A pushed event and who may see it: recipientId null means every signed-in user. */
export interface Envelope {
  event: ServerEvent
  recipientId: string | null
}

/** Typed in-process pub/sub; the hosts forward it to renderers (WebSocket or IPC). */
export class EventBus {
  private listeners = new Set<(e: Envelope) => void>()

  emit<K extends keyof ServerEvents>(type: K, payload: ServerEvents[K], recipientId: string | null = null): void {
    const envelope = { event: { type, payload } as ServerEvent, recipientId }
    for (const l of this.listeners) l(envelope)
  }

  subscribe(listener: (e: Envelope) => void): { unsubscribe(): void } {
    this.listeners.add(listener)
    return { unsubscribe: () => this.listeners.delete(listener) }
  }
}

/**
 * What a renderer is sent: notifications at once; record changes at most once per windowMs, one
 * per record (one for the whole audit log). A burst of lab results emits several changes per
 * message, thousands a second, and every one made each open screen fetch again: one open window
 * cut ingest from 1,200 to 200 messages a second. A change after a quiet spell still goes at once.
 */
export function forwardLive(bus: EventBus, send: (e: Envelope) => void, windowMs = 250): { unsubscribe(): void } {
  let pending = new Map<string, Envelope>()
  let timer: NodeJS.Timeout | null = null
  const tick = () => {
    if (pending.size === 0) {
      timer = null // quiet: the next change goes at once
      return
    }
    const batch = pending
    pending = new Map()
    for (const e of batch.values()) send(e)
    timer = setTimeout(tick, windowMs)
  }
  const sub = bus.subscribe((e) => {
    if (e.event.type !== 'changed') return send(e)
    if (!timer) {
      send(e)
      timer = setTimeout(tick, windowMs)
      return
    }
    const { entity, id } = e.event.payload
    pending.set(entity === 'audit' ? 'audit' : `${entity}:${id}:${e.recipientId ?? ''}`, e)
  })
  return {
    unsubscribe: () => {
      sub.unsubscribe()
      if (timer) clearTimeout(timer)
      timer = null
      pending.clear()
    }
  }
}
