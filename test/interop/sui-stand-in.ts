// An in-memory stand-in for the Sui client that @mysten/walrus's WalrusClient reads its committee
// from: the Walrus system and staking objects (and their versioned inner fields) and one staking
// pool per Floe node, BCS-encoded with the SDK's own Move schemas. Floe has no chain; this is the
// chain state a Walrus network with the same committee would show, so that the SDK's read path
// (status, metadata, slivers, decoding) runs unchanged against Floe nodes.
import { ClientCache } from '@mysten/sui/client';
import { bcs } from '@mysten/sui/bcs';
import { deriveDynamicFieldID } from '@mysten/sui/utils';

interface MoveSchema {
  serialize(value: unknown): { toBytes(): Uint8Array };
}

type Schemas = Record<string, MoveSchema>;
// The SDK's Move schemas are internal to the package (not in its exports map).
const { System } = (await import('../../node_modules/@mysten/walrus/dist/contracts/walrus/system.mjs' as string)) as Schemas;
const { Staking } = (await import('../../node_modules/@mysten/walrus/dist/contracts/walrus/staking.mjs' as string)) as Schemas;
const { SystemStateInnerV1 } = (await import('../../node_modules/@mysten/walrus/dist/contracts/walrus/system_state_inner.mjs' as string)) as Schemas;
const { StakingInnerV1 } = (await import('../../node_modules/@mysten/walrus/dist/contracts/walrus/staking_inner.mjs' as string)) as Schemas;
const { StakingPool } = (await import('../../node_modules/@mysten/walrus/dist/contracts/walrus/staking_pool.mjs' as string)) as Schemas;
const { Field } = (await import('../../node_modules/@mysten/walrus/dist/utils/bcs.mjs' as string)) as { Field(name: unknown, value: MoveSchema): MoveSchema };

export interface StandInNode {
  /** host:port of the node's HTTP API (Walrus's `network_address`). */
  readonly networkAddress: string;
  readonly shards: readonly number[];
}

export interface StandInState {
  readonly nShards: number;
  readonly epoch: number;
  readonly nodes: readonly StandInNode[];
  /** The committee of the epoch before (during an epoch change reads of older blobs go there). */
  readonly previousNodes?: readonly StandInNode[];
  /** True: the SDK sees an epoch change in progress (EpochChangeSync). */
  readonly changing?: boolean;
}

export const SYSTEM_OBJECT_ID = `0x${'51'.repeat(32)}`;
export const STAKING_OBJECT_ID = `0x${'5a'.repeat(32)}`;
const PACKAGE_ID = `0x${'77'.repeat(32)}`;
const ZERO = `0x${'00'.repeat(32)}`;
const VERSION = 1;

function address(tag: number, index: number): string {
  return `0x${tag.toString(16).padStart(2, '0')}${index.toString(16).padStart(62, '0')}`;
}

function committeeOf(nodes: readonly StandInNode[]): unknown {
  return [{ contents: nodes.map((node, index) => ({ key: address(0xa0, index), value: [...node.shards] })) }];
}

function objectsOf(state: StandInState): Map<string, { content: Uint8Array; type: string }> {
  const objects = new Map<string, { content: Uint8Array; type: string }>();
  const put = (id: string, type: string, content: Uint8Array): void => void objects.set(id, { content, type });
  const element = { bytes: new Uint8Array(96) };
  put(SYSTEM_OBJECT_ID, `${PACKAGE_ID}::system::System`, System!.serialize({ id: SYSTEM_OBJECT_ID, version: VERSION, package_id: PACKAGE_ID, new_package_id: null }).toBytes());
  put(STAKING_OBJECT_ID, `${PACKAGE_ID}::staking::Staking`, Staking!.serialize({ id: STAKING_OBJECT_ID, version: VERSION, package_id: PACKAGE_ID, new_package_id: null }).toBytes());
  const versionKey = bcs.u64().serialize(VERSION).toBytes();
  const systemInnerId = deriveDynamicFieldID(SYSTEM_OBJECT_ID, 'u64', versionKey);
  put(
    systemInnerId,
    'field',
    Field(bcs.u64(), SystemStateInnerV1!)
      .serialize({
        id: systemInnerId,
        name: VERSION,
        value: {
          committee: {
            members: state.nodes.map((node, index) => ({ public_key: element, weight: node.shards.length, node_id: address(0xa0, index) })),
            n_shards: state.nShards,
            epoch: state.epoch,
            total_aggregated_key: element,
          },
          total_capacity_size: 0,
          used_capacity_size: 0,
          storage_price_per_unit_size: 0,
          write_price_per_unit_size: 0,
          future_accounting: { current_index: 0, length: 0, ring_buffer: [] },
          event_blob_certification_state: { latest_certified_blob: null, aggregate_weight_per_blob: { contents: [] } },
          deny_list_sizes: { id: ZERO },
        },
      })
      .toBytes(),
  );
  const stakingInnerId = deriveDynamicFieldID(STAKING_OBJECT_ID, 'u64', versionKey);
  put(
    stakingInnerId,
    'field',
    Field(bcs.u64(), StakingInnerV1!)
      .serialize({
        id: stakingInnerId,
        name: VERSION,
        value: {
          n_shards: state.nShards,
          epoch_duration: 3_600_000,
          first_epoch_start: 0,
          pools: { id: ZERO, size: state.nodes.length },
          epoch: state.epoch,
          active_set: { id: ZERO },
          next_committee: null,
          committee: committeeOf(state.nodes),
          previous_committee: committeeOf(state.previousNodes ?? state.nodes),
          next_epoch_params: null,
          epoch_state: state.changing === true ? { EpochChangeSync: 0 } : { EpochChangeDone: 0 },
          next_epoch_public_keys: { id: ZERO },
        },
      })
      .toBytes(),
  );
  const pools = new Map<string, StandInNode>();
  state.nodes.forEach((node, index) => pools.set(address(0xa0, index), node));
  (state.previousNodes ?? []).forEach((node, index) => pools.set(address(0xa0, index), pools.get(address(0xa0, index)) ?? node));
  for (const [nodeId, node] of pools) {
    put(
      nodeId,
      `${PACKAGE_ID}::staking_pool::StakingPool`,
      StakingPool!.serialize({
        id: nodeId,
        state: { Active: true },
        voting_params: { storage_price: 0, write_price: 0, node_capacity: 0 },
        node_info: { name: nodeId, node_id: nodeId, network_address: node.networkAddress, public_key: element, next_epoch_public_key: null, network_public_key: [], metadata: { id: ZERO } },
        activation_epoch: 0,
        latest_epoch: state.epoch,
        wal_balance: 0,
        num_shares: 0,
        pending_shares_withdraw: [{ contents: [] }],
        pre_active_withdrawals: [{ contents: [] }],
        pending_commission_rate: [{ contents: [] }],
        commission_rate: 0,
        exchange_rates: { id: ZERO, size: 0 },
        pending_stake: [{ contents: [] }],
        rewards_pool: { value: 0 },
        commission: { value: 0 },
        commission_receiver: { Address: ZERO },
        governance_authorized: { Address: ZERO },
        extra_fields: { id: ZERO, size: 0 },
      }).toBytes(),
    );
  }
  return objects;
}

/** What WalrusClient uses of a Sui client: `cache` and `core.getObjects`. */
export function suiStandIn(state: StandInState): unknown {
  const objects = objectsOf(state);
  return {
    cache: new ClientCache(),
    core: {
      getObjects: ({ objectIds }: { objectIds: string[] }) =>
        Promise.resolve({
          objects: objectIds.map((id) => {
            const object = objects.get(id);
            return object === undefined ? new Error(`no object ${id} in the stand-in`) : { objectId: id, version: '1', digest: '', ...object };
          }),
        }),
    },
  };
}

export const STAND_IN_PACKAGE_CONFIG = { systemObjectId: SYSTEM_OBJECT_ID, stakingPoolId: STAKING_OBJECT_ID };
