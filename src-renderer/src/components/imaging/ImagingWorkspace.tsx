import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconColumns } from '@tabler/icons-react'
import type { ImagingStudy, Visit } from '../../../../src-preload/contract'
import { useAction } from '../../api/hooks'
import { StudyList, type Selection } from './StudyList'
import { Viewer } from './Viewer'
import { askReason } from '../../prompt'
import { seriesOf, studyDate, studyTime, type Series } from './series'

/**
 * Everything that needs cornerstone: the study list with thumbnails, the viewer, the comparison.
 * Loaded lazily by the Imaging tab.
 */
export default function ImagingWorkspace({ studies, visits, species, patientLabel, canEdit }: { studies: ImagingStudy[]; visits: Visit[]; species: string; patientLabel: string; canEdit: boolean }) {
  const sorted = useMemo(() => [...studies].sort((a, b) => studyTime(b) - studyTime(a)), [studies])
  const [selected, setSelected] = useState<Selection | null>(null)
  const [compareWith, setCompareWith] = useState<string | null>(null)
  const [comparing, setComparing] = useState(false)
  const detach = useAction('imaging.detach')

  // Open the newest study's first series by default; keep the choice while the list refreshes.
  useEffect(() => {
    if (selected && sorted.some((s) => s.id === selected.studyId)) return
    const first = sorted[0]
    setSelected(first ? { studyId: first.id, seriesUid: seriesOf(first)[0]?.uid ?? '' } : null)
  }, [sorted, selected])

  const study = sorted.find((s) => s.id === selected?.studyId) ?? null
  const series = study ? seriesOf(study).find((s) => s.uid === selected?.seriesUid) ?? seriesOf(study)[0] : null
  const others = sorted.filter((s) => s.id !== study?.id)
  // By default compare with the study before this one (the prior); any other can be picked.
  const sameKind = (s: ImagingStudy) => !!study && s.modalities.some((m) => study.modalities.includes(m))
  const earlier = (s: ImagingStudy) => !!study && studyTime(s) <= studyTime(study)
  const defaultPrior = others.find((s) => sameKind(s) && earlier(s)) ?? others.find(sameKind) ?? others.find(earlier) ?? others[0]
  const prior = others.find((s) => s.id === compareWith) ?? defaultPrior
  const priorSeries = prior ? bestMatch(seriesOf(prior), series) : null

  const onDetach = async (s: ImagingStudy) => {
    const reason = await askReason(`Detach “${s.description ?? 'this study'}” from this patient?`, { description: 'It goes back to Imaging Review. Your reason goes in the audit log.', confirmLabel: 'Detach', danger: true })
    if (reason) detach.mutate({ studyId: s.id, reason })
  }

  return (
    <Grid gap="md">
      {/* While comparing, the two images get the whole width. */}
      <Grid.Col span={{ base: 12, lg: 3 }} display={comparing ? 'none' : undefined}>
        {detach.error && <Alert color="red" mb="xs">{detach.error.message}</Alert>}
        <StudyList studies={sorted} visits={visits} selected={selected} onOpen={(s) => setSelected(s)} onDetach={onDetach} canEdit={canEdit} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: comparing ? 12 : 9 }}>
        {study && series && (
          <Stack gap="sm">
            <Group justify="space-between">
              <div>
                <Title order={6}>
                  {study.description ?? 'Study'} · {series.description ?? `Series ${series.number ?? ''}`}
                </Title>
                <Text size="xs" c="dimmed">
                  {studyDate(study)} · {series.instances.length} image{series.instances.length === 1 ? '' : 's'}
                  {series.frames > series.instances.length ? `, ${series.frames} frames` : ''}
                </Text>
              </div>
              <Group gap="xs">
                {comparing && others.length > 0 && (
                  <Select
                    size="xs"
                    w={300}
                    aria-label="Study to compare with"
                    data-testid="compare-pick"
                    value={prior?.id ?? null}
                    onChange={setCompareWith}
                    allowDeselect={false}
                    data={others.map((s) => ({ value: s.id, label: `${studyDate(s)} · ${s.description ?? 'Study'}` }))}
                  />
                )}
                <Button
                  size="xs"
                  variant={comparing ? 'filled' : 'light'}
                  leftSection={<IconColumns size={14} />}
                  disabled={others.length === 0}
                  title={others.length === 0 ? 'This patient has no other study to compare with' : undefined}
                  onClick={() => setComparing(!comparing)}
                  data-testid="compare-toggle"
                >
                  {comparing ? 'Close comparison' : 'Compare'}
                </Button>
              </Group>
            </Group>
            {comparing && prior && priorSeries ? (
              <SimpleGrid cols={2} spacing="sm" data-testid="compare-view">
                <Viewer key={`cmp-a-${series.uid}`} viewportId="vetos-compare-a" instances={series.instances} compact canSave={false} title={`${studyDate(study)} · ${study.description ?? 'Study'}`} species={species} />
                <Viewer key={`cmp-b-${priorSeries.uid}`} viewportId="vetos-compare-b" instances={priorSeries.instances} compact canSave={false} title={`${studyDate(prior)} · ${prior.description ?? 'Study'}`} species={species} />
              </SimpleGrid>
            ) : (
              <Viewer key={series.uid} viewportId="vetos-main" instances={series.instances} canSave={canEdit} species={species} fullWindowTitle={`${patientLabel} · ${study.description ?? 'Study'} · ${studyDate(study)}`} />
            )}
          </Stack>
        )}
        {!study && (
          <Paper withBorder p="xl">
            <Text c="dimmed" ta="center">
              No images yet.
            </Text>
          </Paper>
        )}
      </Grid.Col>
    </Grid>
  )
}

/** The prior's series that best matches the one on screen: same description, else same modality, else the first. */
function bestMatch(candidates: Series[], current: Series | null): Series | null {
  if (!candidates.length) return null
  if (!current) return candidates[0]
  return (
    candidates.find((s) => s.description && s.description === current.description) ??
    candidates.find((s) => s.modality === current.modality) ??
    candidates[0]
  )
}
