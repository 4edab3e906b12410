/**
 * The client picker's search (clients.search): owners found through their patients (a pet's name
 * finds its owner) and clients by their own name or phone (an owner with no patient yet), merged
 * by how closely they matched, as patient search ranks: exact, starting with, one edit away.
 */
import type { ClientsService } from './clients'
import type { PatientSearch } from './search'

const RANK = { exact: 0, prefix: 1, similar: 2, fragment: 3 } as const

export function findClientIds(search: PatientSearch, clients: ClientsService, query: string, limit: number): string[] {
  const best = new Map<string, number>()
  const note = (id: string, rank: number) => {
    const had = best.get(id)
    if (had === undefined || rank < had) best.set(id, rank)
  }
  for (const p of search.search(query, 'auto', 100)) note(p.clientId, RANK[p.match ?? 'prefix'])
  for (const c of clients.findByNameOrPhone(query, limit)) note(c.id, RANK[c.match])
  // Map order is first-seen order: a stable sort keeps the owners found through patients first within a rank.
  return [...best]
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit)
    .map(([id]) => id)
}
