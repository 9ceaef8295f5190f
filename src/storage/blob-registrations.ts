// Who keeps a blob stored, and until when: Walrus's counting rule without a chain. Every storage
// certificate registers the blob once: permanently (no owner) or deletable by the owner its
// object ID names (protocols/certificate/deletion.ts). The blob's data stays while any live
// registration remains: its end epoch is the latest end of the permanent registration and of the
// deletable ones not deleted. A deletion certificate removes one deletable registration; a later
// storage certificate of the same owner (signed after the deletion) registers it again.
// Pure: the blob record (blob-store.ts) keeps the registrations as JSON.

/** A deletable registration of one owner (keyed by its object ID, unpadded base64url). */
export interface DeletableRegistration {
  readonly endEpoch: number;
  /** Epoch of the latest storage certificate that registered it. */
  readonly certifiedEpoch: number;
  /** Set once its owner deleted it: the epoch of the deletion certificate. */
  readonly deletedEpoch?: number;
  /**
   * The deletion certificate's wire form (unpadded base64url), kept while other registrations keep
   * the blob: members push it to members that were down, which still hold this registration.
   */
  readonly deletion?: string;
}

export interface BlobRegistrations {
  /** End epoch of the permanent registration, if the blob was stored permanently. */
  readonly permanentEndEpoch?: number;
  readonly deletable?: Readonly<Record<string, DeletableRegistration>>;
}

/** Deletable registrations kept per blob; past it the ones that ended longest ago are dropped. */
export const MAX_DELETABLE_REGISTRATIONS = 1024;

/** A storage certificate of `owner` (undefined: permanent) certified in `epoch`, ending at `endEpoch`. */
export function registerStorage(registrations: BlobRegistrations, owner: string | undefined, epoch: number, endEpoch: number): BlobRegistrations {
  if (owner === undefined) return { ...registrations, permanentEndEpoch: Math.max(registrations.permanentEndEpoch ?? 0, endEpoch) };
  const known = registrations.deletable?.[owner];
  let next: DeletableRegistration;
  if (known === undefined) next = { endEpoch, certifiedEpoch: epoch };
  else if (known.deletedEpoch === undefined) next = { endEpoch: Math.max(known.endEpoch, endEpoch), certifiedEpoch: Math.max(known.certifiedEpoch, epoch) };
  // Deleted: only a store signed after the deletion registers it again.
  else if (epoch > known.deletedEpoch) next = { endEpoch, certifiedEpoch: epoch };
  else return registrations;
  return { ...registrations, deletable: bounded({ ...registrations.deletable, [owner]: next }) };
}

/** An extension certificate: every live registration is kept until at least `endEpoch`. */
export function registerExtension(registrations: BlobRegistrations, endEpoch: number): BlobRegistrations {
  const deletable: Record<string, DeletableRegistration> = {};
  for (const [owner, entry] of Object.entries(registrations.deletable ?? {})) {
    deletable[owner] = entry.deletedEpoch === undefined ? { ...entry, endEpoch: Math.max(entry.endEpoch, endEpoch) } : entry;
  }
  const hasDeletable = Object.keys(deletable).length > 0;
  const live = hasDeletable && Object.values(deletable).some((entry) => entry.deletedEpoch === undefined);
  // A blob with no live deletable registration (or none at all) is extended as a permanent one.
  const permanentEndEpoch = registrations.permanentEndEpoch !== undefined || !live ? Math.max(registrations.permanentEndEpoch ?? 0, endEpoch) : undefined;
  return { ...(permanentEndEpoch === undefined ? {} : { permanentEndEpoch }), ...(hasDeletable ? { deletable } : {}) };
}

/** A deletion certificate (wire form `deletion`) for `owner`'s registration, in `epoch`. Unchanged if there is none to delete. */
export function registerDeletion(registrations: BlobRegistrations, owner: string, epoch: number, deletion?: string): BlobRegistrations {
  const known = registrations.deletable?.[owner];
  if (known === undefined || known.deletedEpoch !== undefined) return registrations;
  return { ...registrations, deletable: { ...registrations.deletable, [owner]: { ...known, deletedEpoch: epoch, ...(deletion === undefined ? {} : { deletion }) } } };
}

/** Deletions of registrations that would still be live without them (end after `epoch`), with their certificates. */
export function deletionsStillDue(registrations: BlobRegistrations, epoch: number): { owner: string; endEpoch: number; deletion: string }[] {
  return Object.entries(registrations.deletable ?? {})
    .filter(([, entry]) => entry.deletedEpoch !== undefined && entry.deletion !== undefined && entry.endEpoch > epoch)
    .map(([owner, entry]) => ({ owner, endEpoch: entry.endEpoch, deletion: entry.deletion! }));
}

/** Why `owner` may not delete the blob in `epoch`, or undefined when it may. */
export function deletionRefusal(registrations: BlobRegistrations, owner: string, epoch: number): 'not-owner' | 'not-deletable' | undefined {
  const known = registrations.deletable?.[owner];
  if (known !== undefined && known.deletedEpoch === undefined && known.endEpoch > epoch) return undefined;
  return liveDeletable(registrations, epoch).length === 0 && (registrations.permanentEndEpoch ?? 0) > epoch ? 'not-deletable' : 'not-owner';
}

/** The blob's end epoch: the latest end of its live registrations (undefined: none is left). */
export function registeredEndEpoch(registrations: BlobRegistrations): number | undefined {
  const ends = Object.values(registrations.deletable ?? {})
    .filter((entry) => entry.deletedEpoch === undefined)
    .map((entry) => entry.endEpoch);
  if (registrations.permanentEndEpoch !== undefined) ends.push(registrations.permanentEndEpoch);
  return ends.length === 0 ? undefined : Math.max(...ends);
}

/** Walrus's status facts in `epoch`: permanent while the permanent registration lasts; the live deletable ones counted. */
export function registrationCounts(registrations: BlobRegistrations, epoch: number): { permanent: boolean; deletableTotal: number } {
  return { permanent: (registrations.permanentEndEpoch ?? 0) > epoch, deletableTotal: liveDeletable(registrations, epoch).length };
}

/** Registrations of a record written before registrations existed: one permanent one, to its end. */
export function legacyRegistrations(endEpoch: number | undefined): BlobRegistrations {
  return endEpoch === undefined ? {} : { permanentEndEpoch: endEpoch };
}

/** Checks registrations read from disk; returns a message for anything malformed. */
export function checkRegistrations(value: unknown): BlobRegistrations | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'registrations must be an object';
  const { permanentEndEpoch, deletable } = value as Record<string, unknown>;
  if (permanentEndEpoch !== undefined && !isEpoch(permanentEndEpoch)) return `permanentEndEpoch must be an epoch, got ${String(permanentEndEpoch)}`;
  if (deletable === undefined) return permanentEndEpoch === undefined ? {} : { permanentEndEpoch };
  if (typeof deletable !== 'object' || deletable === null || Array.isArray(deletable)) return 'deletable registrations must be an object';
  const checked: Record<string, DeletableRegistration> = {};
  for (const [owner, entry] of Object.entries(deletable as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]{43}$/.test(owner)) return `deletable registration key ${owner.slice(0, 60)} is not an object ID`;
    const { endEpoch, certifiedEpoch, deletedEpoch, deletion } = (entry ?? {}) as Record<string, unknown>;
    if (!isEpoch(endEpoch) || !isEpoch(certifiedEpoch) || (deletedEpoch !== undefined && !isEpoch(deletedEpoch))) return `deletable registration ${owner} has bad epochs`;
    if (deletion !== undefined && (typeof deletion !== 'string' || !/^[A-Za-z0-9_-]{1,262144}$/.test(deletion))) return `deletable registration ${owner} has a malformed deletion certificate`;
    checked[owner] = { endEpoch, certifiedEpoch, ...(deletedEpoch === undefined ? {} : { deletedEpoch }), ...(deletion === undefined ? {} : { deletion }) };
  }
  return { ...(permanentEndEpoch === undefined ? {} : { permanentEndEpoch }), deletable: checked };
}

function liveDeletable(registrations: BlobRegistrations, epoch: number): DeletableRegistration[] {
  return Object.values(registrations.deletable ?? {}).filter((entry) => entry.deletedEpoch === undefined && entry.endEpoch > epoch);
}

function bounded(deletable: Record<string, DeletableRegistration>): Record<string, DeletableRegistration> {
  const entries = Object.entries(deletable);
  if (entries.length <= MAX_DELETABLE_REGISTRATIONS) return deletable;
  const rank = (entry: DeletableRegistration): number => (entry.deletedEpoch ?? entry.endEpoch) + (entry.deletedEpoch === undefined ? 2 ** 33 : 0);
  return Object.fromEntries(entries.sort((a, b) => rank(b[1]) - rank(a[1])).slice(0, MAX_DELETABLE_REGISTRATIONS));
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
