import type { PGlite } from '@electric-sql/pglite'

type Queued = {
  handlerId: number
  message: Uint8Array
  resolve: (bytes: number) => void
  reject: (error: unknown) => void
  onData: (data: Uint8Array) => void
}

/** The parts of pglite-socket 0.2's QueryQueueManager this module replaces (pinned version; see package.json). */
type QueueInternals = {
  db: PGlite
  queue: Queued[]
  processing: boolean
  lastHandlerId: number | null
  processQueue(): Promise<void>
  clearQueueForHandler(handlerId: number): void
}

// Extended-protocol messages that leave a batch open until its Sync: Parse, Bind, Describe, Execute, Close, Flush.
const opensBatch = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48])

/**
 * PGlite is one PostgreSQL session, which pglite-socket shares between its connections by
 * queueing their protocol messages. Its queue keeps a connection's messages together only inside
 * an explicit transaction: between a Parse and its Sync, another connection's Parse could replace
 * the unnamed statement (so a query could run another's SQL, or fail with "unnamed prepared
 * statement does not exist"), and a failed message stopped the queue for good. Here a connection
 * keeps the session from its first message of a batch to its Sync (and through any transaction),
 * and a failure answers its own message only.
 */
export function keepProtocolBatchesTogether(server: object): void {
  const q = (server as { queryQueue: QueueInternals }).queryQueue
  let midBatch = false
  const clear = q.clearQueueForHandler.bind(q)
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId)
    if (q.lastHandlerId === handlerId) {
      midBatch = false
      if (!q.db.isInTransaction()) q.lastHandlerId = null
      void q.processQueue()
    }
  }
  q.processQueue = async () => {
    if (q.processing || q.queue.length === 0) return
    q.processing = true
    try {
      while (q.queue.length > 0) {
        const holder = q.lastHandlerId
        const held = holder !== null && (midBatch || q.db.isInTransaction())
        const index = held ? q.queue.findIndex((item) => item.handlerId === holder) : 0
        if (index === -1) break // the holder's next message has not arrived: its enqueue resumes the queue
        const [item] = q.queue.splice(index, 1)
        if (!item) break
        let bytes = 0
        let failure: { error: unknown } | undefined
        try {
          await q.db.runExclusive(() =>
            q.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length
                item.onData(data)
              },
            }),
          )
        } catch (error) {
          failure = { error }
        }
        // Even after a failure the batch stays its connection's until its Sync (PostgreSQL skips to it).
        midBatch = opensBatch.has(item.message[0] ?? 0)
        q.lastHandlerId = item.handlerId
        if (failure) item.reject(failure.error)
        else item.resolve(bytes)
      }
    } finally {
      q.processing = false
    }
  }
}
