import { useState } from 'react'
import { Badge, Group, Modal, Text, UnstyledButton } from '@mantine/core'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { Thumbnail } from './Thumbnail'
import { Viewer } from './Viewer'
import { seriesOf, type Series } from './series'

/**
 * A study waiting in Imaging Review, seen before anyone files it: a thumbnail per series, and a
 * click opens the series in the viewer (read-only: nothing is saved on a study nobody has filed).
 * Loaded lazily by the review screen, as cornerstone is.
 */
export default function ReviewSeries({ instances, title }: { instances: ImagingInstance[]; title: string }) {
  const series = seriesOf({ instances })
  const [open, setOpen] = useState<Series | null>(null)
  return (
    <>
      <Group gap="xs" align="flex-start" data-testid="review-series">
        {series.map((s) => (
          <UnstyledButton key={s.uid} onClick={() => setOpen(s)} aria-label={`Look at ${s.description ?? 'series'} ${s.number ?? ''}`.trim()} data-testid="review-series-item">
            <Thumbnail instance={s.instances[0]} />
            <Group gap={4} mt={2} maw={112} wrap="nowrap">
              <Text size="xs" truncate>
                {s.description ?? `Series ${s.number ?? ''}`}
              </Text>
              {s.frames > 1 && (
                <Badge size="xs" variant="light">
                  {s.frames}
                </Badge>
              )}
            </Group>
          </UnstyledButton>
        ))}
      </Group>
      <Modal opened={!!open} onClose={() => setOpen(null)} size="80rem" title={title} data-testid="review-viewer">
        {open && <Viewer key={open.uid} viewportId="vetos-review" instances={open.instances} compact canSave={false} title={open.description ?? `Series ${open.number ?? ''}`} />}
      </Modal>
    </>
  )
}
