/**
 * A pushed mutation is written by someone: a staff member of the device's clinic whose role may
 * write every table it touches (src-main/sync/writers.ts), or the workstation itself. The role
 * is the server's copy, not the workstation's: a person demoted or deactivated elsewhere keeps
 * only what they did before that change reached their clock.
 */
import { mayWrite, type Writer } from '../../src-main/sync/writers'
import type { Queryable } from '../db'
import { compareHlc, Rejection, type Change } from './apply'
import type { PushMutation } from './push'

interface Standing {
  name: string
  role: string
  active: boolean
  deleted: boolean
  /** the clock of the last change to the person's role, active flag or record */
  changedAt: string | null
}

export class StaffStandings {
  private readonly known = new Map<string, Standing | null>()

  constructor(
    private readonly q: Queryable,
    private readonly clinicId: string
  ) {}

  /** Throws a Rejection naming who may not write what. */
  async check(m: PushMutation, changes: Change[]): Promise<void> {
    const actorId = m.actorId ?? null
    if (actorId === null) {
      for (const c of changes) if (!mayWrite(c.table.name, 'system')) throw new Rejection(`${c.table.name} is written only by a signed-in person, and this change names none`)
    } else {
      const s = await this.standing(actorId)
      if (!s) throw new Rejection(`the person who made this change (${actorId}) is not on this clinic's staff`)
      // A change made before the person's standing changed was checked against the standing they had then.
      const before = s.changedAt !== null && compareHlc(m.hlc, s.changedAt) < 0
      if (!before) {
        if (s.deleted || !s.active) throw new Rejection(`${s.name} was deactivated before this change was made`)
        for (const c of changes) if (!mayWrite(c.table.name, s.role as Writer)) throw new Rejection(`${s.name}'s role (${s.role.replace('_', ' ')}) may not change ${c.table.name.replace(/_/g, ' ')}`)
      }
    }
    // A mutation that changes staff may change a standing read above.
    if (changes.some((c) => c.table.name === 'staff')) this.known.clear()
  }

  private async standing(id: string): Promise<Standing | null> {
    if (this.known.has(id)) return this.known.get(id)!
    const [row] = await this.q.query<{ display_name: string; role: string; active: boolean; deleted_at: string | null; field_hlc: Record<string, string>; updated_at: string }>(
      'SELECT display_name, role, active, deleted_at, field_hlc, updated_at FROM staff WHERE id = $1 AND clinic_id = $2',
      [id, this.clinicId]
    )
    const standing = row
      ? {
          name: row.display_name,
          role: row.role,
          active: row.active,
          deleted: row.deleted_at !== null,
          changedAt: latest([row.field_hlc.role, row.field_hlc.active, row.deleted_at !== null ? row.updated_at : undefined])
        }
      : null
    this.known.set(id, standing)
    return standing
  }
}

function latest(stamps: (string | undefined)[]): string | null {
  let top: string | null = null
  for (const s of stamps) if (s && (top === null || compareHlc(s, top) > 0)) top = s
  return top
}
