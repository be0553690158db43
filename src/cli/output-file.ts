import { writeFileSync } from 'node:fs';
import { UsageError } from './usage.js';

/**
 * Writes a file an option names (`--svg F`, `--dot F`), turning a file-system failure into a usage
 * error that names the option, the path and the reason instead of an internal error.
 *
 * @example writeOptionFile('--svg', 'graph.svg', svgText)
 */
export function writeOptionFile(option: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const why =
      reason === 'ENOENT'
        ? 'its folder does not exist'
        : reason === 'EACCES' || reason === 'EPERM'
          ? 'permission denied'
          : reason === 'EISDIR'
            ? 'it is a folder'
            : reason;
    throw new UsageError(`cannot write ${option} file '${path}': ${why}`);
  }
}
