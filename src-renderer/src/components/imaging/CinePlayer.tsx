import { useEffect, useState } from 'react'
import { ActionIcon, Group, NumberInput, Slider, Text, Tooltip } from '@mantine/core'
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react'
import { imageLoader } from '@cornerstonejs/core'
import type { Types as CoreTypes } from '@cornerstonejs/core'

/**
 * Cine for multi-frame images (ultrasound loops): play/pause, frames per second, a frame slider.
 * Our own loop rather than cornerstone's playClip: it waits for each frame to be shown before the
 * next (a slow decoder slows the loop instead of skipping ahead), and the frames are fetched
 * from the cache once the loop starts.
 */
export function CinePlayer({ viewport, imageIds, index, defaultFps }: { viewport: () => CoreTypes.IStackViewport | undefined; imageIds: string[]; index: number; defaultFps: number }) {
  const [playing, setPlaying] = useState(false)
  const [fps, setFps] = useState(defaultFps)
  const count = imageIds.length
  useEffect(() => {
    if (!playing) return
    // Decode every frame ahead of the loop (each is cached after the first pass).
    for (const id of imageIds) void imageLoader.loadAndCacheImage(id).catch(() => undefined)
    let busy = false
    const timer = window.setInterval(() => {
      const vp = viewport()
      if (!vp || busy) return
      busy = true
      vp.setImageIdIndex((vp.getCurrentImageIdIndex() + 1) % count)
        .catch(() => setPlaying(false))
        .finally(() => (busy = false))
    }, 1000 / fps)
    return () => window.clearInterval(timer)
  }, [playing, fps, count, imageIds, viewport])
  return (
    <Group gap="sm" wrap="nowrap" data-testid="cine">
      <Tooltip label={playing ? 'Pause' : 'Play'} withArrow>
        <ActionIcon size="lg" variant="filled" aria-label={playing ? 'Pause' : 'Play'} data-testid="cine-play" data-playing={playing} onClick={() => setPlaying(!playing)}>
          {playing ? <IconPlayerPause size={18} /> : <IconPlayerPlay size={18} />}
        </ActionIcon>
      </Tooltip>
      <NumberInput size="xs" w={90} min={1} max={60} value={fps} onChange={(v) => setFps(Math.min(60, Math.max(1, Number(v) || 1)))} suffix=" fps" aria-label="Frames per second" />
      <Slider
        style={{ flex: 1 }}
        min={0}
        max={count - 1}
        value={index}
        label={(v) => `${v + 1}`}
        onChange={(v) => {
          setPlaying(false)
          void viewport()?.setImageIdIndex(v)
        }}
        aria-label="Frame"
      />
      <Text size="xs" c="dimmed" w={90} ta="right" data-testid="cine-frame">
        Frame {index + 1} / {count}
      </Text>
    </Group>
  )
}
