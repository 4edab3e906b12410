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
