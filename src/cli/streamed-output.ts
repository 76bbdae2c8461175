/**
 * An output file written as a command goes (`estimate --incidents`: a line per simulated
 * incident, too many to hold in memory) and put in place whole only when the command succeeds:
 * the text goes to a temporary file beside it, in blocks, and `commit` renames it; `discard`
 * (the command failed or was stopped) removes it, so a failed command leaves no partial file.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Text is written out in blocks of about this many characters. */
const BLOCK_CHARS = 1 << 20;

export class StreamedOutput {
  private readonly temporary: string;
  private fd: number | undefined;
  private buffered: string[] = [];
  private bufferedChars = 0;

  constructor(private readonly path: string) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    this.temporary = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.temporary, 'w');
  }

  write(text: string): void {
    this.buffered.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars >= BLOCK_CHARS) this.flush();
  }

  commit(): void {
    this.flush();
    this.close();
    renameSync(this.temporary, this.path);
  }

  discard(): void {
    this.close();
    rmSync(this.temporary, { force: true });
  }

  private flush(): void {
    if (this.fd === undefined || this.buffered.length === 0) return;
    writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
    this.bufferedChars = 0;
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
