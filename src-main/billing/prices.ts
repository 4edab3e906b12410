/** The clinic's price list and its sales tax per line category (administrators keep both). */
import { and, asc, eq, isNull } from 'drizzle-orm'
import { priceItems, taxRates } from '../db/schema'
import { ApiError, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { Category } from './ledger'

export type PriceItemRow = typeof priceItems.$inferSelect

export class PriceListService {
  constructor(private readonly core: Core) {}

  list(includeInactive: boolean): PriceItemRow[] {
    const live = isNull(priceItems.deletedAt)
    return this.core.store.db
      .select()
      .from(priceItems)
      .where(includeInactive ? live : and(live, eq(priceItems.active, true)))
      .orderBy(asc(priceItems.category), asc(priceItems.name))
      .all()
  }

  save(actor: Actor, input: { id?: string; code: string; name: string; category: Category; unitPriceMinor: number; active: boolean }): PriceItemRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const taken = store.db.select().from(priceItems).where(and(eq(priceItems.code, input.code), isNull(priceItems.deletedAt))).get()
      if (taken && taken.id !== input.id) throw new ApiError('conflict', `The code ${input.code} is already ${taken.name}`)
      const values = { code: input.code, name: input.name, category: input.category, unitPriceMinor: input.unitPriceMinor, active: input.active }
      let id = input.id
      if (id) {
        const current = store.byId(priceItems, id)
        if (!current || current.deletedAt) throw notFound('Price list item')
        store.update(priceItems, id, values)
      } else id = store.insert(priceItems, values).id
      audit.append({ action: 'price_item.saved', direction: 'internal', actor, entityType: 'price_item', entityId: id, summary: `${input.code} ${input.name}: ${input.unitPriceMinor} (${input.category}${input.active ? '' : ', inactive'})` })
      events.emit('changed', { entity: 'invoice', id })
      return store.byId(priceItems, id)!
    })
  }

  /** A new rate for the category; lines added from now on take it (earlier lines keep theirs). */
  setTaxRate(actor: Actor, category: Category, rateBp: number): void {
    const { store, audit } = this.core
    store.tx(() => {
      store.insert(taxRates, { category, rateBp })
      audit.append({ action: 'tax_rate.set', direction: 'internal', actor, entityType: 'tax_rate', entityId: category, summary: `Sales tax on ${category}: ${rateBp / 100} %` })
    })
  }
}
