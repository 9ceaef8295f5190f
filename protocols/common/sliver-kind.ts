// The SliverKind enum of read.proto and recovery.proto (each .proto has its own copy: protons
// has no imports) against the encoding layer's SliverType.
import type { SliverType } from '../../src/encoding/bcs.js';
import { ProtocolError } from './errors.js';

type WireSliverKind = 'SLIVER_KIND_UNSPECIFIED' | 'PRIMARY' | 'SECONDARY';

export function sliverTypeOf(kind: WireSliverKind, field: string): SliverType {
  if (kind === 'PRIMARY') return 'primary';
  if (kind === 'SECONDARY') return 'secondary';
  throw new ProtocolError('INVALID_REQUEST', `${field} must be PRIMARY or SECONDARY`);
}
