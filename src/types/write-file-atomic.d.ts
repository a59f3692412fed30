// Types for write-file-atomic 7 (it ships none), the part oe calls: the async default export and
// `.sync`. Options as its README documents them.
declare module 'write-file-atomic' {
  interface Options {
    /** Default true: fsync the temp file before the rename. */
    fsync?: boolean;
    encoding?: BufferEncoding | null;
    /** File mode of the new file (default: the existing file's, else 0o666 & ~umask). */
    mode?: number;
    chown?: { uid: number; gid: number } | false;
  }
  function writeFileAtomic(filename: string, data: string | Uint8Array, options?: Options): Promise<void>;
  namespace writeFileAtomic {
    function sync(filename: string, data: string | Uint8Array, options?: Options): void;
  }
  export default writeFileAtomic;
}
