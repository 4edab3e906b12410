import { useEffect, useRef } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import type { MethodName, ServerEvents } from '../../../../src-preload/contract'
import { useApi } from '../../api/hooks'

type Changed = ServerEvents['changed']

/**
 * Refetches the given reads when a matching change arrives (a payment taken at another desk, a
 * card refund settling, the payment service's charges fetched). The shell refreshes every screen on
 * any change too; this names what this screen depends on, and a refetch already under way is
 * joined rather than started again.
 */
export function useRefetchOn(methods: MethodName[], match: (c: Changed) => boolean, onMatch?: (c: Changed) => void): void {
  const api = useApi()
  const qc = useQueryClient()
  const latest = useRef({ methods, match, onMatch })
  latest.current = { methods, match, onMatch }
  useEffect(
    () =>
      api.subscribe((e) => {
        if (e.type !== 'changed') return
        const { methods: ms, match: m, onMatch: then } = latest.current
        if (!m(e.payload)) return
        for (const method of ms) void qc.invalidateQueries({ queryKey: [method] }, { cancelRefetch: false })
        then?.(e.payload)
      }),
    [api, qc]
  )
}
