/**
 * The one-line answers a command gives about the file it was handed, before it reads it: missing,
 * a folder, unreadable, or a CS2 demo (which no command reads yet), instead of a stack trace.
 */
import { open, stat } from 'node:fs/promises';

/** The first bytes of a CS2 (Source 2) demo file. */
const CS2_DEMO_MAGIC = 'PBDEMS2';

/** Why `file` cannot be read as the input of `command`, or null when it can; `file`'s size otherwise. */
export async function inputFileProblem(
  file: string,
  command: string,
): Promise<{ problem: string } | { size: number }> {
  let size: number;
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) return { problem: `${file} is a folder; give the file to read` };
    size = stats.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: `${file}: no such file` };
    if (code === 'EACCES') return { problem: `cannot read ${file}: permission denied` };
    return { problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(CS2_DEMO_MAGIC.length), 0, 7, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { problem: `cannot read ${file}: permission denied` };
    return { problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (head.toString('latin1') === CS2_DEMO_MAGIC) {
    return {
      problem: `${file} is a CS2 demo (.dem); geqo ${command} reads JSON lines (--format jsonl) or a CS2 server log (--format cs2-log)`,
    };
  }
  return { size };
}
