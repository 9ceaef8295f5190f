// The page every Floe node serves at `/`: a light client in the browser (it stores and reads blobs
// straight from and to the committee over libp2p WebSockets, verifying everything itself, with
// the codec in a Web Worker) and a dashboard of the network (epoch, committee, shard map, scores
// and this epoch's challenge results). Built by scripts/build-web.js into dist/web/app.js.
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { type ClientProgress, type CommitteeView, FloeClient, parseGenesis } from '../src/client/index.js';
import type { FloeLibp2p } from '../src/network/libp2p.js';
import { formatBytes } from '../src/core/format.js';
import { encodedBlobLength, encodingParameters } from '../src/encoding/parameters.js';
import { pricesOf, storageCost } from '../src/ledger/economics.js';
import { formatAmount } from '../src/ledger/units.js';
import { createBrowserLibp2p } from './browser-transport.js';
import { createWorkerCodec } from './worker-codec.js';

interface WebPeer {
  readonly peerId: string;
  readonly addresses: readonly string[];
}

interface NetworkInfo {
  readonly genesis: unknown;
  readonly self: WebPeer;
  readonly peers: readonly WebPeer[];
  /** Every member with the capacity its signed node record offers (as the serving node holds it). */
  readonly members?: readonly { readonly peerId: string; readonly capacityBytes?: number }[];
}

interface ChallengeResult {
  readonly challenger: string;
  readonly target: string;
  readonly outcome: 'pass' | 'fail' | 'late' | 'unreachable';
}

interface ChallengesInfo {
  readonly epoch: number;
  readonly scoreScale: number;
  readonly scores: Readonly<Record<string, number>>;
  readonly epochs: readonly { readonly epoch: number; readonly results: readonly ChallengeResult[] }[];
}

interface HealthInfo {
  readonly peerId: string;
  readonly blobs: number;
  readonly bytes: number;
  readonly capacityBytes?: number;
}

const DATA_REFRESH_MS = 10_000;
/** Epochs the page stores a blob for. */
const STORE_EPOCHS = 1;

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

async function getJson<T>(path: string): Promise<T | undefined> {
  try {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { success?: { data?: T } };
    return body.success?.data;
  } catch {
    return undefined;
  }
}

function shortPeer(peerId: string): string {
  return `${peerId.slice(0, 8)}…${peerId.slice(-6)}`;
}


function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) parts.push(`${days}d`);
  if (hours > 0 || days > 0) parts.push(`${hours}h`);
  if (minutes > 0 || hours > 0 || days > 0) parts.push(`${minutes}m`);
  parts.push(`${seconds % 60}s`);
  return parts.join(' ');
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** A distinct, stable colour per member (golden-angle hues). */
function colourOf(index: number): string {
  return `hsl(${Math.round((index * 137.508) % 360)} 62% 52%)`;
}

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className !== '') td.className = className;
  return td;
}

// ---------------------------------------------------------------------------------------------
// Connecting

async function connect(info: NetworkInfo): Promise<FloeClient> {
  const genesis = parseGenesis(info.genesis);
  const libp2p: FloeLibp2p = await createBrowserLibp2p();
  for (const peer of [info.self, ...info.peers]) {
    await libp2p.peerStore.merge(peerIdFromString(peer.peerId), { multiaddrs: peer.addresses.map((address) => multiaddr(address)) });
  }
  // The serving node's addresses on the host this page came from first: that one is reachable.
  const host = location.hostname;
  const bootstrap = [...info.self.addresses].sort((a, b) => Number(b.includes(`/${host}/`)) - Number(a.includes(`/${host}/`)));
  let dialled = false;
  for (const address of bootstrap) {
    try {
      await libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(30_000) });
      dialled = true;
      break;
    } catch {
      // try the node's next address
    }
  }
  if (!dialled) throw new Error(`cannot reach this node over WebSockets (${bootstrap.join(', ') || 'it announces no /ws address'})`);
  const codec = createWorkerCodec(new URL('codec-worker.js', location.href));
  return FloeClient.connect({ genesis, libp2p, codec, bootstrap });
}

// ---------------------------------------------------------------------------------------------
// Dashboard

interface DashboardData {
  view: CommitteeView;
  challenges: ChallengesInfo | undefined;
  health: HealthInfo | undefined;
  network: NetworkInfo | undefined;
}

function renderDashboard(data: DashboardData): void {
  const { view, challenges, health, network } = data;
  const capacityOf = new Map((network?.members ?? []).map((member) => [member.peerId, member.capacityBytes]));
  element('epoch').textContent = String(view.epoch);
  element('epoch-duration').textContent = formatDuration(view.epochDurationMs);
  element('committee-size').textContent = String(view.members.length);
  element('shard-count').textContent = String(view.nShards);

  const shardsOf = new Map<string, number>();
  for (const owner of view.ownerOfShard) shardsOf.set(owner, (shardsOf.get(owner) ?? 0) + 1);
  const colour = new Map(view.members.map((member, index) => [member, colourOf(index)]));
  // This epoch's results once there are any, else the latest epoch that has some.
  const withResults = challenges?.epochs.filter((entry) => entry.results.length > 0) ?? [];
  const current = withResults.find((entry) => entry.epoch === view.epoch) ?? withResults[0];
  element('challenge-epoch').textContent = current === undefined ? '' : current.epoch === view.epoch ? '(this epoch)' : `(epoch ${current.epoch})`;

  const body = element('committee');
  body.replaceChildren();
  for (const member of view.members) {
    const row = document.createElement('tr');
    const name = document.createElement('td');
    name.className = 'mono';
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour.get(member) ?? '#888';
    name.append(swatch, shortPeer(member));
    name.title = member;
    if (member === health?.peerId) name.append(' (this node)');
    row.append(name);
    row.append(cell(String(shardsOf.get(member) ?? 0), 'num'));
    row.append(storedCell(member, shardsOf, health));
    const capacity = capacityOf.get(member) ?? (member === health?.peerId ? health.capacityBytes : undefined);
    const capacityCell = cell(capacity === undefined ? '–' : formatBytes(capacity), 'num');
    capacityCell.title = 'the capacity its signed node record offers';
    row.append(capacityCell);
    const score = challenges?.scores[member];
    row.append(cell(score === undefined ? '–' : (score / (challenges?.scoreScale ?? 1_000_000)).toFixed(2), 'num'));
    const results = document.createElement('td');
    const asTarget = current?.results.filter((result) => result.target === member) ?? [];
    if (asTarget.length === 0) results.textContent = '–';
    for (const result of asTarget) {
      const mark = document.createElement('span');
      mark.className = result.outcome;
      mark.textContent = `${result.outcome} `;
      mark.title = `challenged by ${result.challenger}`;
      results.append(mark);
    }
    row.append(results);
    body.append(row);
  }

  const map = element('shard-map');
  map.replaceChildren(
    ...view.ownerOfShard.map((owner, shard) => {
      const square = document.createElement('div');
      square.style.background = colour.get(owner) ?? '#888';
      square.title = `shard ${shard}: ${owner}`;
      return square;
    }),
  );
  element('network-status').textContent =
    `Committee and shard map verified in this browser from the certificate chain (assignment of epoch ${view.assignmentEpoch}); ` +
    `scores and challenge results as this node holds them${current === undefined ? '' : ` (epoch ${current.epoch})`}.`;
}

/**
 * Stored bytes of a member: this node's own, measured; another member's, estimated from this
 * node's by the shards each owns (blobs are spread evenly over the shards), marked with ≈.
 */
function storedCell(member: string, shardsOf: ReadonlyMap<string, number>, health: HealthInfo | undefined): HTMLTableCellElement {
  if (health === undefined) return cell('–', 'num');
  if (member === health.peerId) {
    const own = cell(`${formatBytes(health.bytes)} (${health.blobs} blobs)`, 'num');
    own.title = 'measured by this node';
    return own;
  }
  const ownShards = shardsOf.get(health.peerId) ?? 0;
  if (ownShards === 0) return cell('–', 'num');
  const estimate = cell(`≈ ${formatBytes(Math.round((health.bytes * (shardsOf.get(member) ?? 0)) / ownShards))}`, 'num');
  estimate.title = "estimated: this node's stored bytes scaled by the shards each owns";
  return estimate;
}

function startCountdown(next: () => number | undefined): void {
  const tick = (): void => {
    const at = next();
    element('next-epoch').textContent = at === undefined ? '–' : formatCountdown(at - Date.now());
  };
  tick();
  setInterval(tick, 1000);
}

// ---------------------------------------------------------------------------------------------
// Store and read

function storeProgress(event: ClientProgress, progress: HTMLProgressElement, status: HTMLElement): void {
  switch (event.type) {
    case 'encoded':
      status.textContent = `encoded in ${Math.round(event.ms)} ms: ${formatBytes(event.encodedLength)} of slivers to send`;
      break;
    case 'upload':
      progress.max = event.totalBytes;
      progress.value = event.totalBytesSent;
      status.textContent = `sending slivers: ${formatBytes(event.totalBytesSent)} of ${formatBytes(event.totalBytes)}`;
      break;
    case 'confirmation':
      status.textContent = `confirmations cover ${event.confirmedShards} of ${event.quorum} shards needed`;
      break;
    case 'certified':
      status.textContent = `certified in ${Math.round(event.ms)} ms by ${event.confirmedShards} shards`;
      break;
    default:
      break;
  }
}

async function storeFile(client: FloeClient, file: File, stored: () => void): Promise<void> {
  const progress = element<HTMLProgressElement>('store-progress');
  const status = element('store-status');
  const blobIdOut = element('blob-id');
  const costOut = element('store-cost');
  blobIdOut.textContent = '';
  costOut.textContent = '';
  progress.hidden = false;
  progress.removeAttribute('value');
  status.classList.remove('error');
  status.textContent = `encoding ${file.name} (${formatBytes(file.size)}) in the codec worker…`;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    // The cost at the prices in force (verified committee, its governance parameters).
    const prices = pricesOf((await client.ledgerView()).params);
    const encodedLength = encodedBlobLength(encodingParameters(client.nShards), bytes.length);
    const cost = storageCost(BigInt(encodedLength), STORE_EPOCHS, prices);
    costOut.textContent =
      `${formatAmount(cost.total)} (${cost.units} MiB encoded × ${STORE_EPOCHS} epoch at ${formatAmount(prices.storagePrice)} per MiB-epoch, ` +
      `plus ${formatAmount(prices.writePrice)} per MiB written)`;
    if (cost.total > 0n) {
      // Nodes refuse an unpaid store; paying takes a wallet, which the page does not hold.
      throw new Error(`this network charges ${formatAmount(cost.total)} for it, and the page has no wallet: store it with \`floe store FILE --wallet WALLET\``);
    }
    const started = performance.now();
    const result = await client.store(bytes, { epochs: STORE_EPOCHS, onProgress: (event) => storeProgress(event, progress, status) });
    progress.max = 1;
    progress.value = 1;
    status.textContent = `stored ${file.name}: ${result.unencodedLength} bytes in ${Math.round(performance.now() - started)} ms, certified by ${result.confirmedShards} shards until epoch ${result.endEpoch}`;
    blobIdOut.textContent = result.blobId;
    element<HTMLInputElement>('read-id').value = result.blobId;
    stored();
  } catch (error) {
    status.classList.add('error');
    status.textContent = `store failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const IMAGE_SIGNATURES: readonly [string, readonly number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

function imageTypeOf(bytes: Uint8Array): string | undefined {
  return IMAGE_SIGNATURES.find(([, signature]) => signature.every((byte, i) => bytes[i] === byte))?.[0];
}

function textOf(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 64 * 1024));
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

let lastObjectUrl: string | undefined;

async function readBlob(client: FloeClient, blobId: string): Promise<void> {
  const result = element('read-result');
  const preview = element('preview');
  const button = element<HTMLButtonElement>('read-submit');
  result.classList.remove('error');
  result.textContent = 'reading and verifying…';
  preview.replaceChildren();
  button.disabled = true;
  try {
    const started = performance.now();
    const bytes = await client.read(blobId.trim());
    const ms = Math.round(performance.now() - started);
    if (lastObjectUrl !== undefined) URL.revokeObjectURL(lastObjectUrl);
    const type = imageTypeOf(bytes);
    lastObjectUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: type ?? 'application/octet-stream' }));
    result.textContent = `verified ${bytes.length} bytes in ${ms} ms (every sliver checked against the metadata, the metadata against the blob ID) `;
    const link = document.createElement('a');
    link.href = lastObjectUrl;
    link.download = `${blobId.trim()}.bin`;
    link.textContent = 'download';
    link.dataset['testid'] = 'read-download';
    result.append(link);
    if (type !== undefined) {
      const image = document.createElement('img');
      image.src = lastObjectUrl;
      image.alt = `blob ${blobId}`;
      preview.append(image);
    } else {
      const text = textOf(bytes);
      if (text !== undefined) {
        const pre = document.createElement('pre');
        pre.textContent = text;
        preview.append(pre);
      }
    }
  } catch (error) {
    result.classList.add('error');
    result.textContent = `read failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const info = await getJson<NetworkInfo>('/v1/web/network');
  if (info === undefined) throw new Error('this node did not answer /v1/web/network');
  const genesis = info.genesis as { network?: string };
  element('network-name').textContent = `network ${genesis.network ?? '?'}`;
  element('node-id').textContent = `node ${info.self.peerId}`;

  const client = await connect(info);
  const data: DashboardData = { view: await client.committeeView(), challenges: undefined, health: undefined, network: info };
  const refresh = async (): Promise<void> => {
    let network: NetworkInfo | undefined;
    [data.view, data.challenges, data.health, network] = await Promise.all([
      client.committeeView({ refresh: Date.now() >= data.view.nextEpochAtMs }),
      getJson<ChallengesInfo>('/v1/challenges'),
      getJson<HealthInfo>('/v1/health'),
      getJson<NetworkInfo>('/v1/web/network'),
    ]);
    data.network = network ?? data.network;
    renderDashboard(data);
  };
  await refresh();
  startCountdown(() => data.view.nextEpochAtMs);
  setInterval(() => void refresh(), DATA_REFRESH_MS);

  const input = element<HTMLInputElement>('store-file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) void storeFile(client, file, () => void refresh());
  });
  const drop = element('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void storeFile(client, file, () => void refresh());
  });
  element('read-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void readBlob(client, element<HTMLInputElement>('read-id').value);
  });
  document.body.dataset['ready'] = 'true';
}

main().catch((error: unknown) => {
  const status = element('network-status');
  status.classList.add('error');
  status.textContent = `cannot connect: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset['ready'] = 'error';
});
