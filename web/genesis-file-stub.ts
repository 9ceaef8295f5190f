// Stands in for src/config/genesis-file.ts (file I/O of loadGenesis and writeGenesis) in the
// page's bundle: a browser fetches the genesis and parses it with parseGenesis instead.
function nodeOnly(): never {
  throw new Error('genesis files are read and written in Node only; a browser uses parseGenesis');
}

export const readFile = nodeOnly;
export const writeFileAtomic = nodeOnly;
export const isErrnoException = (): boolean => false;
