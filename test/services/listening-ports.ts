import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `st` of a socket in LISTEN state in /proc/net/tcp{,6}. */
const TCP_LISTEN = '0A';

/**
 * The TCP ports a process listens on, read from /proc (Linux): the inodes of the sockets among its
 * file descriptors, looked up in its network namespace's TCP tables. A server started on port 0
 * is then found without a port handed to it in advance, and without trusting whoever answers on a
 * port to be the process we started.
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor was closed while we looked.
    }
  }
  const ports = new Set<number>();
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    if (!existsSync(table)) continue;
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = columns;
      if (state !== TCP_LISTEN || !inode || !inodes.has(inode) || !local) continue;
      ports.add(Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return [...ports];
}
