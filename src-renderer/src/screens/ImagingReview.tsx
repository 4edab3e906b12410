import { lazy, Suspense } from 'react'
import { Loader } from '@mantine/core'
import { useAction, useCall } from '../api/hooks'
import { ReviewCard, ReviewScreen } from '../components/ReviewCard'
import { dateTime } from '../format'

// cornerstone (WASM codecs, WebGL) is loaded only when there are images to show.
const ReviewSeries = lazy(() => import('../components/imaging/ReviewSeries'))

/** Studies that did not attach by themselves (no accession we know, identifiers that disagree). A person decides. */
export function ImagingReviewScreen() {
  const queue = useCall('imaging.reviewQueue', {})
  const waiting = useCall('imaging.reviewCount', {})
  const attach = useAction('imaging.attach')
  const reject = useAction('imaging.reject')
  return (
    <ReviewScreen title="Imaging Review" intro="These studies did not match a request and its patient exactly. Nothing is filed to a patient until someone here decides." empty="Nothing to review. Every study has found its patient." error={queue.error} loaded={queue.isSuccess} total={waiting.data?.count}>
      {(queue.data ?? []).map((item) => (
        <ReviewCard
          key={item.studyId}
          testId="imaging-review-item"
          link={{ param: 'study', id: item.studyId }}
          noun="study"
          title={`${item.description ?? 'Study'} from ${item.sourceAet ?? 'an unknown station'}`}
          subtitle={`Received ${dateTime(item.receivedAt)} · ${item.instanceCount} image${item.instanceCount === 1 ? '' : 's'} · ${item.accessionNumber ? `accession ${item.accessionNumber}` : 'no accession number'}`}
          preview={
            item.instances.length > 0 && (
              <Suspense fallback={<Loader size="sm" />}>
                <ReviewSeries instances={item.instances} title={`${item.description ?? 'Study'} from ${item.sourceAet ?? 'an unknown station'}`} />
              </Suspense>
            )
          }
          identifiersCaption="What the DICOM file says"
          identifiers={item.identifiers}
          reasons={item.reasons}
          candidates={item.candidates.map((c) => ({ ...c, linkId: c.requestId, linkLabel: c.accessionNumber ? `request ${c.accessionNumber}` : null }))}
          error={attach.error ?? reject.error}
          onAttach={(patientId, requestId, reason) => attach.mutate({ studyId: item.studyId, patientId, requestId, reason })}
          onReject={(reason) => reject.mutate({ studyId: item.studyId, reason })}
        />
      ))}
    </ReviewScreen>
  )
}
