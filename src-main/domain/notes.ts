import { eq } from 'drizzle-orm'
import { clinicalNotes } from '../db/schema'
import type { ClinicalNote } from '../../src-preload/contract'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import { toNote, type PatientsService } from './patients'

interface NoteText {
  subjective?: string | null
  objective?: string | null
  assessment?: string | null
  plan?: string | null
  body?: string | null
}

const hasText = (n: NoteText): boolean => [n.subjective, n.objective, n.assessment, n.plan, n.body].some((s) => s && s.trim())

/** Clinical notes are append-only: an amendment is a new version; the original stays readable. */
export class NotesService {
  constructor(
    private readonly core: Core,
    private readonly patients: PatientsService
  ) {}

  add(actor: Actor, input: NoteText & { patientId: string; visitId?: string | null; kind: ClinicalNote['kind'] }): ClinicalNote {
    const { store, audit, events } = this.core
    if (!hasText(input)) throw new ApiError('invalid-input', 'A note needs some text', [{ path: 'body', message: 'is required' }])
    return store.tx(() => {
      const p = this.patients.row(input.patientId)
      const row = store.insert(clinicalNotes, {
        patientId: p.id,
        visitId: input.visitId ?? null,
        authorId: actor.id,
        kind: input.kind,
        subjective: input.subjective ?? null,
        objective: input.objective ?? null,
        assessment: input.assessment ?? null,
        plan: input.plan ?? null,
        body: input.body ?? null,
        amendsId: null
      })
      audit.append({ action: 'note.added', direction: 'internal', actor, patientId: p.id, entityType: 'note', entityId: row.id, summary: `${input.kind.toUpperCase()} note for ${p.name}` })
      events.emit('changed', { entity: 'note', id: row.id, patientId: p.id })
      return toNote(row, actor.name, false)
    })
  }

  amend(actor: Actor, input: NoteText & { noteId: string }): ClinicalNote {
    const { store, audit, events } = this.core
    if (!hasText(input)) throw new ApiError('invalid-input', 'A note needs some text', [{ path: 'body', message: 'is required' }])
    return store.tx(() => {
      const prior = store.db.select().from(clinicalNotes).where(eq(clinicalNotes.id, input.noteId)).get()
      if (!prior) throw notFound('Note')
      const later = store.db.select({ id: clinicalNotes.id }).from(clinicalNotes).where(eq(clinicalNotes.amendsId, prior.id)).get()
      if (later) throw conflict('This version was already amended; amend the latest version')
      const row = store.insert(clinicalNotes, {
        patientId: prior.patientId,
        visitId: prior.visitId,
        authorId: actor.id,
        kind: prior.kind,
        subjective: input.subjective ?? null,
        objective: input.objective ?? null,
        assessment: input.assessment ?? null,
        plan: input.plan ?? null,
        body: input.body ?? null,
        amendsId: prior.id
      })
      audit.append({ action: 'note.amended', direction: 'internal', actor, patientId: prior.patientId, entityType: 'note', entityId: row.id, summary: `Amended a ${prior.kind.toUpperCase()} note`, details: { amends: prior.id } })
      events.emit('changed', { entity: 'note', id: row.id, patientId: prior.patientId })
      return toNote(row, actor.name, false)
    })
  }
}
