import type { Server } from 'socket.io';
import { LIVE_NAMESPACE } from '@lg/contracts';

/** The `connect_error` message of a connection to the main namespace. */
export const MAIN_NAMESPACE_REFUSED = `namespace / is not served: connect to ${LIVE_NAMESPACE} with auth: {token}`;

/**
 * Socket.IO always has the main namespace `/`, and lets anyone join it. Nothing is served there, so every
 * connection to it is refused, token or not (an unknown namespace Socket.IO refuses by itself): the only way
 * in is `/live`, with its token check.
 */
export function refuseMainNamespace(server: Server): void {
  server.of('/').use((_socket, next) => next(new Error(MAIN_NAMESPACE_REFUSED)));
}
