/**
 * A second process on a journal, for the journal tests (run as `node --import tsx this-file`):
 *
 *   open <store>            try to open it; print {"opened":true} or the error's name and message
 *   hold <store>            open it, print {"ready":pid}, and wait to be killed
 *   write <store> <cycles>  open it and write `cycles` cycle records, every tenth one with a whole
 *                           trade (proved, signed, executed), as fast as it can; print {"done":n}
 *   read <store>            open it read-only, as `zkagent status` does; print {"cycles":n}
 */
import { Journal, JournalView } from "../../src/index.ts";

const [command, store, count] = process.argv.slice(2);
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

try {
  if (command === "read") {
    const view = JournalView.openReadOnly(store!);
    print({ cycles: view?.summary().cycles ?? null });
    view?.close();
    process.exit();
  }
  const journal = Journal.open(store!);
  if (command === "open") {
    print({ opened: true });
    journal.close();
  } else if (command === "hold") {
    print({ ready: process.pid });
    // The timer keeps the journal reachable: unreachable, it is garbage, node:sqlite's finalizer
    // closes its files and the kernel drops the lock while this process still "holds" it (seen in
    // CI: the holder alive with no file of the journal open).
    setInterval(() => journal.lockInfo(), 60_000);
  } else if (command === "write") {
    for (let i = 0; i < Number(count); i++) {
      journal.append({
        kind: "cycle",
        tick: i,
        roundId: String(i),
        latestPrice: "300000000000",
        movingAverage: "300000000000",
        signal: "x".repeat(200),
        verdict: "hold",
        timingsMs: { data: 1 },
      });
      if (i % 10 === 0) {
        const txHash = `0x${i.toString(16).padStart(64, "0")}`;
        journal.trades.proved(BigInt(i / 10), ["1", "2"]);
        journal.trades.signed({
          traderNonce: BigInt(i / 10),
          txHash,
          rawTx: `0x02${"ab".repeat(300)}`,
          accountNonce: i,
        });
        journal.trades.executed(txHash, { gasUsed: 250_000n, blockNumber: i + 1 });
      }
    }
    journal.close();
    print({ done: Number(count) });
  }
} catch (error) {
  print({ error: (error as Error).name, message: (error as Error).message });
  process.exitCode = 3;
}
