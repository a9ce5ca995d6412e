/**
 * Errors raised while reading data sets. The message alone says which file is wrong, what was
 * expected and what was found, so the CLI can print it as one line without a stack trace.
 */

/**
 * A data file is missing, corrupt or not what the benchmark expects.
 *
 * The message reads `${file}: expected ${expected}, found ${found}`, for example
 * `train-images-idx3-ubyte.gz: expected 47040000 bytes of data for dims 60000×28×28 u8, found
 * 47039999 (truncated, 1 byte missing)`. The CLI catches it, prints the message and exits non-zero.
 */
export class DataError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "DataError";
  /** The path or name of the file the problem is in. */
  readonly file: string;
  /** What the file should have contained at this point. */
  readonly expected: string;
  /** What it contained instead. */
  readonly found: string;

  /**
   * A problem in `file`; the message is `${file}: expected ${expected}, found ${found}`.
   *
   * @param file path or name of the offending file
   * @param expected what should have been there
   * @param found what was there instead
   * @param options `cause`: the underlying error, if any (e.g. the decompressor's)
   */
  constructor(file: string, expected: string, found: string, options?: { cause?: unknown }) {
    super(`${file}: expected ${expected}, found ${found}`, options);
    this.file = file;
    this.expected = expected;
    this.found = found;
  }
}
