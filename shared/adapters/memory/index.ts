/** In-memory adapters of every port: the bench's pipeline without I/O, and tests. */
export { MemoryBus } from './event-bus';
export { MemoryMailSender, MemoryMailStore } from './mail';
export { MemoryTicketStore, withNonce } from './ticket-store';
