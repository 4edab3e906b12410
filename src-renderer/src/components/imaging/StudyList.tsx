import { ActionIcon, Group, Paper, Stack, Text, Tooltip } from '@mantine/core'
import { IconUnlink } from '@tabler/icons-react'
import type { ImagingStudy, Visit } from '../../../../src-preload/contract'
import { date } from '../../format'
import { markOpen } from '../../imaging/firstRender'
import { SeriesTile } from './Thumbnail'
import { LINKED_STYLE, useLinkedItem } from '../focus'
import { seriesOf, studyDate } from './series'

export interface Selection {
  studyId: string
  seriesUid: string
}

/** The visit a study belongs to, said as the front desk says it: its date and reason; or plainly none. */
function VisitLine({ visitId, visits }: { visitId: string | null; visits: Visit[] }) {
  const visit = visitId ? visits.find((v) => v.id === visitId) : undefined
  if (!visit)
    return (
      <Text size="xs" c="dimmed" fs="italic" data-testid="study-visit">
        {visitId ? 'Visit not found' : 'No visit: taken outside a visit'}
      </Text>
    )
  return (
    <Text size="xs" data-testid="study-visit" title={visit.reason}>
      Visit {date(visit.startedAt ?? visit.scheduledAt ?? visit.createdAt)} · {visit.reason}
    </Text>
  )
}

/** One study's card; the study a link points at (?study=, from a notification) stands out and scrolls into view. */
function StudyCard({ study, children }: { study: ImagingStudy; children: React.ReactNode }) {
  const linked = useLinkedItem<HTMLDivElement>('study', study.id)
  return (
    <Paper ref={linked.ref} withBorder p="sm" data-testid="study" data-study-uid={study.studyInstanceUid} data-focused={linked.focused} style={linked.focused ? LINKED_STYLE : undefined}>
      {children}
    </Paper>
  )
}

/** The patient's studies, newest first, each with the visit it belongs to and a thumbnail per series; a click opens the series. */
export function StudyList({ studies, visits, selected, onOpen, onDetach, canEdit }: { studies: ImagingStudy[]; visits: Visit[]; selected: Selection | null; onOpen: (s: Selection) => void; onDetach: (s: ImagingStudy) => void; canEdit: boolean }) {
  return (
    <Stack gap="sm" data-testid="study-list">
      {studies.map((study) => (
        <StudyCard key={study.id} study={study}>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Text fw={600} size="sm">
                {study.description ?? 'Study'}
              </Text>
              <Text size="xs" c="dimmed">
                {studyDate(study)} · {study.modalities.join(', ') || '—'}
                {study.accessionNumber ? ` · ${study.accessionNumber}` : ''}
              </Text>
              <VisitLine visitId={study.visitId} visits={visits} />
              <Text size="xs" c="dimmed">
                {study.attachedAutomatically ? 'Attached automatically' : `Attached by ${study.attachedBy ?? 'a person'}`}
                {study.sourceAet ? ` · from ${study.sourceAet}` : ''}
              </Text>
            </div>
            {canEdit && (
              <Tooltip label="Wrong patient? Detach: the study goes back to Imaging Review." withArrow multiline w={220}>
                <ActionIcon size="sm" variant="subtle" color="red" onClick={() => onDetach(study)} data-testid="study-detach" aria-label="Detach">
                  <IconUnlink size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
          <Group gap="xs" mt="xs">
            {seriesOf(study).map((s) => {
              const active = selected?.studyId === study.id && selected.seriesUid === s.uid
              return (
                <SeriesTile
                  key={s.uid}
                  series={s}
                  onClick={() => {
                    markOpen()
                    onOpen({ studyId: study.id, seriesUid: s.uid })
                  }}
                  label="Open"
                  testId="series"
                  style={{ outline: active ? '3px solid var(--mantine-color-teal-6)' : undefined, borderRadius: 4 }}
                />
              )
            })}
          </Group>
        </StudyCard>
      ))}
    </Stack>
  )
}
