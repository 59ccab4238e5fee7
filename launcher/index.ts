/// <reference types="node" />
// The launcher as a library ("tsmpi/launcher"): read a hostfile, place ranks, start a command on each host
// over SSH and stream its output, stop everything; and run a tsmpi job programmatically. The socket
// exercises start their daemons on a machine list with these (exercise 5).
export { parseHostfile, parseHostList, hostLabel, HostfileError, type HostEntry } from "./hostfile.ts";
export { placeRanks, formatMap, PlacementError, type Placement } from "./placement.ts";
export { connectHost, type ConnectOptions, type SshConnection, type RemoteProcess } from "./ssh/connection.ts";
export {
  connectHosts,
  startOnHosts,
  startGuarded,
  newJobId,
  type HostJob,
  type RemoteHandle,
  type HostLine,
  type HostCommand,
} from "./ssh/hosts.ts";
export { SshError, SshHostsError } from "./ssh/errors.ts";
export { localAddressTowards } from "./remote.ts";
export { freePort } from "./ports.ts";
export { main as tsrunMain } from "./cli.ts";
