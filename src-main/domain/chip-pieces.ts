import type Database from 'better-sqlite3'

let connections = 0

/**
 * The chips of the live patients, kept in memory to find a piece of one (any 6 to 14 of its
 * digits): no index finds a substring, and walking the chip index costs several milliseconds at
 * 80,000 patients, on every phone number typed into "Anything" too. A temporary trigger (this
 * connection's, no migration) drops the copy whenever a chip is written, by any path (the domain,
 * sync, the demo's direct inserts); the next search reads the chips again.
 */
export class ChipPieces {
  private chips: { rowids: number[]; chips: string[] } | null = null
  private readonly read: Database.Statement
  private readonly watched: boolean

  constructor(private readonly sqlite: Database.Database) {
    this.read = sqlite.prepare("SELECT rowid, microchip_norm FROM patients WHERE microchip_norm > '' AND deleted_at IS NULL").raw()
    this.watched = this.watch()
  }

  /** rowids of live patients whose chip holds `digits`, at most `max` */
  find(digits: string, max: number): number[] {
    const all = this.watched ? (this.chips ??= this.load()) : this.load()
    const out: number[] = []
    for (let i = 0; i < all.chips.length && out.length < max; i++) if (all.chips[i].includes(digits)) out.push(all.rowids[i])
    return out
  }

  private load(): { rowids: number[]; chips: string[] } {
    const rows = this.read.all() as [number, string][]
    return { rowids: rows.map((r) => r[0]), chips: rows.map((r) => r[1]) }
  }

  /** false where the connection cannot hold a trigger (read-only): then every search reads the chips */
  private watch(): boolean {
    const fn = `vetos_chips_changed_${++connections}`
    try {
      this.sqlite.function(fn, { varargs: false, deterministic: false }, () => ((this.chips = null), null))
      const on = (when: string) => `CREATE TEMP TRIGGER IF NOT EXISTS ${fn}_${when.split(' ')[0].toLowerCase()} AFTER ${when} ON main.patients BEGIN SELECT ${fn}(); END`
      for (const when of ['INSERT', 'UPDATE OF microchip_norm, deleted_at', 'DELETE']) this.sqlite.exec(on(when))
      return true
    } catch {
      return false
    }
  }
}
