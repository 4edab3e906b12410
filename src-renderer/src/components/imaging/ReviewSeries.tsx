import { useState } from 'react'
import { Group, Modal } from '@mantine/core'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { SeriesTile } from './Thumbnail'
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
          <SeriesTile key={s.uid} series={s} onClick={() => setOpen(s)} label="Look at" testId="review-series-item" />
        ))}
      </Group>
      <Modal opened={!!open} onClose={() => setOpen(null)} size="80rem" title={title} data-testid="review-viewer">
        {open && <Viewer key={open.uid} viewportId="vetos-review" instances={open.instances} compact canSave={false} title={open.description ?? `Series ${open.number ?? ''}`} />}
      </Modal>
    </>
  )
}
