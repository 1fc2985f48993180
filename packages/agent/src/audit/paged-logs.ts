/** How an audit reads logs over a block range: in pages a node will serve, with progress. */
export interface LogPaging {
  /** Blocks per eth_getLogs request at first (default 10 000; nodes commonly cap ranges or results). */
  pageBlocks?: number;
  /** The last block to read (default: the latest when the audit starts). */
  toBlock?: number;
  /** Called after each page: what was read so far of which range. */
  onProgress?: (progress: { what: string; fromBlock: number; toBlock: number; doneThrough: number }) => void;
}

/** A node's answer that the range or result set is too large (wordings differ between clients and providers). */
export function isRangeTooLarge(error: unknown): boolean {
  const text = `${(error as { message?: string })?.message ?? ""} ${JSON.stringify((error as { error?: unknown })?.error ?? "")}`;
  return /range|too many|limit|exceed|query returned more than|block range|-32005|response size/i.test(text);
}

/**
 * Reads `query(from, to)` over [fromBlock, toBlock] page by page, halving a page the node refuses
 * as too large (down to one block) and growing it back after a success; other errors propagate.
 */
export async function pagedQuery<T>(
  what: string,
  query: (fromBlock: number, toBlock: number) => Promise<T[]>,
  fromBlock: number,
  toBlock: number,
  { pageBlocks = 10_000, onProgress }: Omit<LogPaging, "toBlock"> = {},
): Promise<T[]> {
  const all: T[] = [];
  let page = Math.max(1, pageBlocks);
  for (let start = fromBlock; start <= toBlock;) {
    const end = Math.min(toBlock, start + page - 1);
    let logs: T[];
    try {
      logs = await query(start, end);
    } catch (error) {
      if (!isRangeTooLarge(error) || page === 1) throw error;
      page = Math.max(1, Math.floor(page / 2));
      continue;
    }
    all.push(...logs);
    onProgress?.({ what, fromBlock, toBlock, doneThrough: end });
    start = end + 1;
    page = Math.min(pageBlocks, page * 2);
  }
  return all;
}
