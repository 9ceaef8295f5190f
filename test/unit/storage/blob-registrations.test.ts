// Walrus's counting rule for a blob's registrations, as pure functions.
import { describe, expect, it } from 'vitest';
import {
  checkRegistrations,
  deletionRefusal,
  deletionsStillDue,
  MAX_DELETABLE_REGISTRATIONS,
  registerDeletion,
  registeredEndEpoch,
  registerExtension,
  registerStorage,
  registrationCounts,
} from '../../../src/storage/blob-registrations.js';

const ALICE = 'A'.repeat(43);
const BOB = 'B'.repeat(43);

describe('blob registrations', () => {
  it('keeps the blob while any live registration remains, and ends it with the last one', () => {
    let registrations = registerStorage({}, ALICE, 1, 10);
    registrations = registerStorage(registrations, BOB, 2, 6);
    expect(registeredEndEpoch(registrations)).toBe(10);
    expect(registrationCounts(registrations, 3)).toEqual({ permanent: false, deletableTotal: 2 });
    registrations = registerDeletion(registrations, ALICE, 4);
    expect(registeredEndEpoch(registrations)).toBe(6);
    expect(registrationCounts(registrations, 4)).toEqual({ permanent: false, deletableTotal: 1 });
    registrations = registerDeletion(registrations, BOB, 4);
    expect(registeredEndEpoch(registrations)).toBeUndefined();
  });

  it('refuses the deletion of another owner or of a permanent-only blob', () => {
    const deletable = registerStorage({}, ALICE, 1, 10);
    expect(deletionRefusal(deletable, ALICE, 3)).toBeUndefined();
    expect(deletionRefusal(deletable, BOB, 3)).toBe('not-owner');
    const permanent = registerStorage({}, undefined, 1, 10);
    expect(deletionRefusal(permanent, ALICE, 3)).toBe('not-deletable');
    // Both: Alice may delete hers; the permanent registration keeps the blob.
    const both = registerStorage(permanent, ALICE, 1, 5);
    expect(deletionRefusal(both, ALICE, 3)).toBeUndefined();
    const after = registerDeletion(both, ALICE, 3);
    expect(registeredEndEpoch(after)).toBe(10);
    expect(registrationCounts(after, 3)).toEqual({ permanent: true, deletableTotal: 0 });
    expect(deletionRefusal(after, ALICE, 3)).toBe('not-deletable');
  });

  it('a late copy of a deleted store does not bring it back; a store signed after the deletion does', () => {
    const deleted = registerDeletion(registerStorage({}, ALICE, 1, 10), ALICE, 4);
    expect(registerStorage(deleted, ALICE, 3, 12)).toBe(deleted);
    expect(registerStorage(deleted, ALICE, 4, 12)).toBe(deleted);
    expect(registeredEndEpoch(registerStorage(deleted, ALICE, 5, 12))).toBe(12);
  });

  it('an extension keeps every live registration longer, not deleted ones', () => {
    const registrations = registerDeletion(registerStorage(registerStorage({}, ALICE, 1, 10), BOB, 1, 8), BOB, 2);
    const extended = registerExtension(registrations, 20);
    expect(extended.deletable?.[ALICE]?.endEpoch).toBe(20);
    expect(extended.deletable?.[BOB]).toEqual({ endEpoch: 8, certifiedEpoch: 1, deletedEpoch: 2 });
    expect(extended.permanentEndEpoch).toBeUndefined();
    expect(registerExtension({ permanentEndEpoch: 5 }, 9)).toEqual({ permanentEndEpoch: 9 });
  });

  it('checks what it reads from disk and bounds the number of registrations', () => {
    expect(checkRegistrations({ permanentEndEpoch: 3, deletable: { [ALICE]: { endEpoch: 4, certifiedEpoch: 1 } } })).toEqual({
      permanentEndEpoch: 3,
      deletable: { [ALICE]: { endEpoch: 4, certifiedEpoch: 1 } },
    });
    expect(typeof checkRegistrations({ deletable: { short: { endEpoch: 1, certifiedEpoch: 0 } } })).toBe('string');
    expect(typeof checkRegistrations({ permanentEndEpoch: -1 })).toBe('string');
    expect(typeof checkRegistrations([])).toBe('string');
    let many = {};
    for (let index = 0; index < MAX_DELETABLE_REGISTRATIONS + 5; index++) many = registerStorage(many, index.toString().padStart(43, 'x'), 1, 10);
    expect(Object.keys((many as { deletable: object }).deletable)).toHaveLength(MAX_DELETABLE_REGISTRATIONS);
  });

  it('keeps the deletion certificate of a registration the blob outlives, while that registration would still be live', () => {
    const both = registerStorage(registerStorage({}, ALICE, 1, 20), BOB, 1, 5);
    const deleted = registerDeletion(both, ALICE, 2, 'cert-of-alice');
    expect(registeredEndEpoch(deleted)).toBe(5);
    expect(deletionsStillDue(deleted, 3)).toEqual([{ owner: ALICE, endEpoch: 20, deletion: 'cert-of-alice' }]);
    // Once it would have ended anyway, nobody needs to learn of it.
    expect(deletionsStillDue(deleted, 20)).toEqual([]);
    expect(checkRegistrations(JSON.parse(JSON.stringify(deleted)))).toEqual(deleted);
    expect(typeof checkRegistrations({ deletable: { [ALICE]: { endEpoch: 4, certifiedEpoch: 1, deletedEpoch: 2, deletion: 'not base64url!' } } })).toBe('string');
  });
});
