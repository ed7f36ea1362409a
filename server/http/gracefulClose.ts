import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import net from 'node:net'

type ConnectionState = { active: number; served: number }

/**
 * Closes an HTTP server without cutting off anyone it has already let in. Node's own
 * server.close() also closes every connection it counts as idle, and that includes a connection
 * it has accepted whose request it has not yet read (under load there are many): those clients
 * got a reset for a request sent before the signal. Here, on close:
 * - the listening socket closes at once, so new connections are refused;
 * - requests in flight finish, and their connections close after the answer;
 * - idle keep-alive connections (one request or more already answered) close at once;
 * - a connection accepted but with no request yet gets `freshGraceMs` to send it.
 * Call it before listen(), so that every connection is seen.
 */
export function gracefulClose(server: Server, options: { freshGraceMs: number }) {
  const connections = new Map<net.Socket, ConnectionState>()
  let closing = false

  server.on('connection', (socket: net.Socket) => {
    connections.set(socket, { active: 0, served: 0 })
    socket.once('close', () => connections.delete(socket))
  })

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const state = connections.get(req.socket)
    if (!state) return
    state.active += 1
    if (closing) res.shouldKeepAlive = false
    res.once('close', () => {
      state.active -= 1
      state.served += 1
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
      if (state.served > 0) {
        socket.end()
      } else {
        setTimeout(() => {
          if (state.active === 0) socket.destroy()
        }, options.freshGraceMs).unref()
      }
    }
    return closed
  }
}
