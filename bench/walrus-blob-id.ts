// The reference for `npm run bench:codec -- --cli`: the smallest whole program that prints a file's
// Walrus blob ID with the official encoder (@mysten/walrus-wasm), as a user would write it.
//
//   node dist/bench/walrus-blob-id.js N_SHARDS FILE
import { readFile } from 'node:fs/promises';
import { BlobEncoder } from '@mysten/walrus-wasm';

const [nText, path] = process.argv.slice(2);
if (nText === undefined || path === undefined) throw new Error('usage: walrus-blob-id.js N_SHARDS FILE');
const encoder = new BlobEncoder(Number(nText));
const [blobId] = encoder.compute_metadata(await readFile(path)) as [ArrayLike<number>];
process.stdout.write(`${Buffer.from(Uint8Array.from(blobId)).toString('base64url')}\n`);
