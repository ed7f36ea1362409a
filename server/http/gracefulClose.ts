import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import net from 'node:net'

type ConnectionState = { active: number }

/**
 * Closes an HTTP server without cutting off a request it has already let in. Node's own
 * server.close() also closes at once every connection it counts as idle, and under load that
 * includes connections whose request has arrived but has not yet been read: those clients got a
 * reset for a request sent before the signal. Here, on close:
 * - the listening socket closes, so new connections are refused;
 * - requests in flight finish, and their connections close after the answer;
 * - a connection with no request running (idle keep-alive, or just accepted) has `idleGraceMs`
 *   to start one (its bytes may already be waiting to be read), then it is closed.
 * A connection still in the kernel's accept queue when the listener closes is reset: that is
 * why a load balancer should stop sending before the signal. Call this before listen().
 */
export function gracefulClose(server: Server, options: { idleGraceMs: number }) {
  const connections = new Map<net.Socket, ConnectionState>()
  let closing = false

  server.on('connection', (socket: net.Socket) => {
    connections.set(socket, { active: 0 })
    socket.once('close', () => connections.delete(socket))
  })

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const state = connections.get(req.socket)
    if (!state) return
    state.active += 1
    if (closing) res.shouldKeepAlive = false
    res.once('close', () => {
      state.active -= 1
      if (closing && state.active === 0) req.socket.end()
    })
  })

  /** Resolves once the last connection has closed. */
  return function close(): Promise<void> {
    closing = true
    const closed = new Promise<void>((resolve) => {
      // net.Server's close, not http.Server's: it stops listening without touching connections.
      net.Server.prototype.close.call(server, () => resolve())
    })
    for (const [socket, state] of connections) {
      if (state.active > 0) continue
      setTimeout(() => {
        if (state.active === 0) socket.end()
      }, options.idleGraceMs).unref()
    }
    return closed
  }
}
