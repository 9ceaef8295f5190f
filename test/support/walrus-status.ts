// The Walrus-shaped blob status a node answers (`GET /v1/blobs/{id}/status`), for tests that
// follow a blob's lifecycle on each node.

/** The `data` of a node's blob status; throws when the node does not answer 200. */
export async function walrusStatus(httpUrl: string, blobId: string): Promise<unknown> {
  const response = await fetch(`${httpUrl}/v1/blobs/${blobId}/status`, { signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`${httpUrl}: blob status answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { success: { data: unknown } }).success.data;
}
