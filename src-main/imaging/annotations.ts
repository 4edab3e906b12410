import { desc, eq } from 'drizzle-orm'
import { imagingAnnotations } from '../db/schema'
import type { AnnotationSet } from '../../src-preload/contract'
import { conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { StudiesService } from './studies'

type Row = typeof imagingAnnotations.$inferSelect

/**
 * Measurements and marks on an image are part of the record: each save is a new version, none is
 * overwritten, and a save drawn on an older version than the latest is refused (two people at once).
 */
export class AnnotationsService {
  constructor(
    private readonly core: Core,
    private readonly studies: StudiesService
  ) {}

  latest(instanceId: string): AnnotationSet | null {
    const r = this.core.store.db.select().from(imagingAnnotations).where(eq(imagingAnnotations.instanceId, instanceId)).orderBy(desc(imagingAnnotations.version)).limit(1).get()
    return r ? toSet(r) : null
  }

  history(instanceId: string): AnnotationSet[] {
    return this.core.store.db.select().from(imagingAnnotations).where(eq(imagingAnnotations.instanceId, instanceId)).orderBy(desc(imagingAnnotations.version)).all().map(toSet)
  }

  save(actor: Actor, instanceId: string, baseVersion: number, annotations: Record<string, unknown>[]): AnnotationSet {
    const { store, audit, events } = this.core
    const instance = this.studies.instance(instanceId)
    if (!instance) throw notFound('Image')
    const patientId = this.studies.currentLink(instance.studyId)?.patient_id ?? null
    return store.tx(() => {
      const current = this.latest(instanceId)?.version ?? 0
      if (baseVersion !== current) throw conflict(`These annotations were drawn on version ${baseVersion}, but version ${current} was saved since; reload to see it`)
      const row = store.insert(imagingAnnotations, { instanceId, version: current + 1, annotations: JSON.stringify(annotations), actorId: actor.id, actorName: actor.name })
      const tools = [...new Set(annotations.map((a) => String((a.metadata as { toolName?: string } | undefined)?.toolName ?? 'mark')))].join(', ')
      audit.append({ action: 'imaging.annotations.saved', direction: 'internal', actor, patientId, entityType: 'imaging_instance', entityId: instanceId, summary: `Saved version ${row.version} of the annotations on an image (${annotations.length}: ${tools || 'none'})` })
      events.emit('changed', { entity: 'imaging', id: instance.studyId, patientId })
      return toSet(row)
    })
  }
}

function toSet(r: Row): AnnotationSet {
  return { instanceId: r.instanceId, version: r.version, annotations: JSON.parse(r.annotations) as Record<string, unknown>[], savedBy: r.actorName, savedAt: r.createdAt }
}
