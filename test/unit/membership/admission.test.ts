// The admission policy read from assignment parameters: automatic admit votes unless
// `admission.auto` is 0, and none once the committee has `admission.maxMembers` members.
import { describe, expect, it } from 'vitest';
import { admissionPolicyOf } from '../../../src/membership/votes.js';

describe('admissionPolicyOf', () => {
  it('defaults to automatic admission without a size limit', () => {
    expect(admissionPolicyOf({})).toEqual({ auto: true, maxMembers: Number.MAX_SAFE_INTEGER });
  });

  it('reads admission.auto and admission.maxMembers, ignoring unusable limits', () => {
    expect(admissionPolicyOf({ 'admission.auto': 0 }).auto).toBe(false);
    expect(admissionPolicyOf({ 'admission.auto': 1 }).auto).toBe(true);
    expect(admissionPolicyOf({ 'admission.maxMembers': 12 }).maxMembers).toBe(12);
    for (const bad of [0, -3, 2.5]) expect(admissionPolicyOf({ 'admission.maxMembers': bad }).maxMembers).toBe(Number.MAX_SAFE_INTEGER);
  });
});
